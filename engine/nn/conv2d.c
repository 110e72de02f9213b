/* conv2d.c — 2-D convolution as im2col + one SGEMM over the whole batch,
 * or, once prepared for an input shape, by a faster path where one
 * applies and pays: a 1x1 input as one GEMM, Winograd for wide 3x3
 * stride-1 layers ("faster paths" below).
 *
 * weight [cout, cin, k, k] (PyTorch OIHW), optional bias [cout].
 * y[n, cout, oh, ow], oh = (h + 2*pad - k) / stride + 1.
 * Backward: dW = dY * colᵀ, dcol = Wᵀ * dY, dx = col2im(dcol).  With
 * few output channels that GEMM's inner dimension (cout) is short and
 * the col2im scatter dominates; the input gradient of a stride-1 layer is
 * then computed as what it also is, a convolution of dY padded by
 * k-1-pad with the weights flipped in space and cin/cout swapped: im2col
 * + SGEMM with inner dimension cout*k*k.  Measured on the default
 * model's 3x3 layers (2 threads, best of 15): 1.1-1.3x faster at
 * 64->64 32x32, 32->32 64x64 and 16->16 128x128; level or slower from
 * 128 channels on (0.6-0.8x at 256->256 4x4, batch 20).
 */
#include "nn/layer_kinds.h"
#include "nn/im2col.h"
#include "nn/winograd.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

typedef struct conv2d {
    gp_layer base;
    int cin, cout, k, stride, pad;
    bool has_bias;
    /* Kernels derived from the weight for the faster paths (prepare):
     * PIXEL's [cin][cout*oh*ow], WINO2's and WINO4's U (winograd.h). */
    gp_derived pixel, wino2, wino4;
    gp_conv_path forced; /* gp_conv2d_force_path; GP_CONV_AUTO by default */
} conv2d;

static gp_patch_geom geom(const conv2d *c, gp_shape in)
{
    gp_patch_geom g = { in.n, in.c, in.h, in.w, c->k, c->stride, c->pad, 0, 0 };
    g.oh = (in.h + 2 * c->pad - c->k) / c->stride + 1;
    g.ow = (in.w + 2 * c->pad - c->k) / c->stride + 1;
    return g;
}

static bool conv_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    const conv2d *c = (const conv2d *)l;
    if (in.c != c->cin || in.h + 2 * c->pad < c->k || in.w + 2 * c->pad < c->k)
        return false;
    gp_patch_geom g = geom(c, in);
    *out = (gp_shape){ in.n, c->cout, g.oh, g.ow };
    return true;
}

/* A 1x1, stride-1, unpadded conv of one sample reads x as its own col. */
static bool col_is_input(const conv2d *c, gp_shape in)
{
    return c->k == 1 && c->stride == 1 && c->pad == 0 && in.n == 1;
}

enum { FLIP_MAX_COUT = 64 }; /* see the header comment */

/* The input gradient as a forward convolution of dY: stride 1, few output
 * channels (a 1x1 unpadded layer needs no col2im either way). */
static bool dx_as_conv(const conv2d *c)
{
    return c->stride == 1 && c->pad <= c->k - 1 && !(c->k == 1 && c->pad == 0) &&
           c->cout <= FLIP_MAX_COUT;
}

/* dY's patches for that convolution: its output is the input's size. */
static gp_patch_geom dx_geom(const conv2d *c, gp_shape in, const gp_patch_geom *g)
{
    return (gp_patch_geom){ in.n, c->cout, g->oh, g->ow, c->k, 1, c->k - 1 - c->pad, in.h, in.w };
}

/* ---- faster paths -------------------------------------------------------
 *
 * PIXEL: a 1x1 input (a generator's first layer: the latent as a 1x1
 * map, k = 4, pad 3) reads one kernel tap per output pixel, so the layer
 * is one GEMM, Y [n, cout*oh*ow] = X [n, cin] * P [cin, cout*oh*ow] with
 * P[ci][co, oy, ox] = W[co, ci, pad - oy*s, pad - ox*s] (zero off the
 * kernel): cin multiply-adds per output instead of im2col's cin*k*k.
 *
 * WINO2 / WINO4: 3x3 stride-1 layers by Winograd F(2x2,3x3) or
 * F(4x4,3x3) (winograd.h), one SGEMM per transformed position over the
 * whole batch, where gp_wino_choose says it pays. */
static bool wino_applies(const conv2d *c, gp_shape in, int m)
{
    gp_wino g;
    return c->k == 3 && c->stride == 1 && c->pad <= 2 &&
           gp_wino_geom(&g, m, in.n, c->cin, c->cout, in.h, in.w, c->pad, false);
}

static gp_conv_path path_for(const conv2d *c, gp_shape in)
{
    const bool pixel = in.h == 1 && in.w == 1 && c->k > 1;
    switch (c->forced) {
    case GP_CONV_IM2COL:
        return GP_CONV_IM2COL;
    case GP_CONV_PIXEL:
        return pixel ? GP_CONV_PIXEL : GP_CONV_IM2COL;
    case GP_CONV_WINO2:
        return wino_applies(c, in, 2) ? GP_CONV_WINO2 : GP_CONV_IM2COL;
    case GP_CONV_WINO4:
        return wino_applies(c, in, 4) ? GP_CONV_WINO4 : GP_CONV_IM2COL;
    default:
        break;
    }
    if (pixel)
        return GP_CONV_PIXEL;
    if (!wino_applies(c, in, 4))
        return GP_CONV_IM2COL;
    const int m = gp_wino_choose(in.n, c->cin, c->cout, in.h, in.w, c->pad, false);
    return m == 4 ? GP_CONV_WINO4 : m == 2 ? GP_CONV_WINO2 : GP_CONV_IM2COL;
}

static gp_derived *derived_of(conv2d *c, gp_conv_path p)
{
    return p == GP_CONV_PIXEL ? &c->pixel : p == GP_CONV_WINO2 ? &c->wino2
         : p == GP_CONV_WINO4 ? &c->wino4 : NULL;
}

static int pixel_cols(const conv2d *c) /* cout*oh*ow of a 1x1 input */
{
    const int o = (1 + 2 * c->pad - c->k) / c->stride + 1;
    return c->cout * o * o;
}

static size_t derived_count(const conv2d *c, gp_conv_path p)
{
    if (p == GP_CONV_PIXEL)
        return (size_t)c->cin * pixel_cols(c);
    return gp_wino_kernel_count(p == GP_CONV_WINO2 ? 2 : 4, c->cin, c->cout);
}

/* The kernel tap output pixel (oy, ox) of a 1x1 input reads; -1 if none. */
static int pixel_tap(const conv2d *c, int oy, int ox)
{
    const int ky = c->pad - oy * c->stride, kx = c->pad - ox * c->stride;
    return ky >= 0 && ky < c->k && kx >= 0 && kx < c->k ? ky * c->k + kx : -1;
}

static void pixel_kernels(const conv2d *c, const float *w, float *p)
{
    const int o = (1 + 2 * c->pad - c->k) / c->stride + 1, kk = c->k * c->k;
    const size_t cols = (size_t)pixel_cols(c);
    for (int ci = 0; ci < c->cin; ci++)
        for (int co = 0; co < c->cout; co++)
            for (int oy = 0; oy < o; oy++)
                for (int ox = 0; ox < o; ox++) {
                    const int t = pixel_tap(c, oy, ox);
                    p[ci * cols + ((size_t)co * o + oy) * o + ox] =
                        t < 0 ? 0.0f : w[((size_t)co * c->cin + ci) * kk + t];
                }
}

/* The path a call takes (a faster one only when prepared) and its
 * derived kernels, rebuilt here when the weight changed: the one thing
 * forward and backward write into the layer. */
static gp_conv_path take_path(const conv2d *c, gp_shape in, const float **kernels)
{
    const gp_conv_path p = path_for(c, in);
    conv2d *mc = (conv2d *)c;
    gp_derived *d = derived_of(mc, p);
    if (!d || !d->data)
        return GP_CONV_IM2COL;
    const gp_param *w = &c->base.params[0];
    if (gp_derived_stale(d, w)) {
        if (p == GP_CONV_PIXEL)
            pixel_kernels(c, w->value, d->data);
        else
            gp_wino_kernels(p == GP_CONV_WINO2 ? 2 : 4, c->cin, c->cout, w->value, d->data);
    }
    *kernels = d->data;
    return p;
}

static bool conv_prepare(gp_layer *l, gp_shape in)
{
    conv2d *c = (conv2d *)l;
    const gp_conv_path p = path_for(c, in);
    gp_derived *d = derived_of(c, p);
    return !d || gp_derived_reserve(d, derived_count(c, p));
}

static gp_wino wino_geom(const conv2d *c, gp_conv_path p, gp_shape in)
{
    gp_wino g;
    gp_wino_geom(&g, p == GP_CONV_WINO2 ? 2 : 4, in.n, c->cin, c->cout, in.h, in.w, c->pad, false);
    return g;
}

/* x [n, cin] -> y [n, cout, oh, ow] */
static void pixel_forward(const conv2d *c, gp_shape in, const float *p, const float *x, float *y)
{
    const int cols = pixel_cols(c);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, in.n, cols, c->cin, 1.0f, x, c->cin,
                p, cols, 0.0f, y, cols);
}

/* dx = dY Pᵀ; dW += the taps of Xᵀ dY (scratch [cin][cout*oh*ow]). */
static void pixel_backward(const conv2d *c, gp_shape in, const float *p, const float *x,
                           const float *dy, float *dx, float *dw, float *scratch)
{
    const int cols = pixel_cols(c), o = (1 + 2 * c->pad - c->k) / c->stride + 1;
    const int kk = c->k * c->k;
    if (dw) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c->cin, cols, in.n, 1.0f, x, c->cin,
                    dy, cols, 0.0f, scratch, cols);
        for (int co = 0; co < c->cout; co++)
            for (int ci = 0; ci < c->cin; ci++)
                for (int oy = 0; oy < o; oy++)
                    for (int ox = 0; ox < o; ox++) {
                        const int t = pixel_tap(c, oy, ox);
                        if (t >= 0)
                            dw[((size_t)co * c->cin + ci) * kk + t] +=
                                scratch[(size_t)ci * cols + ((size_t)co * o + oy) * o + ox];
                    }
    }
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, in.n, c->cin, cols, 1.0f, dy, cols,
                    p, cols, 0.0f, dx, c->cin);
}

/* ---- im2col + SGEMM ---------------------------------------------------- */

static size_t im2col_scratch(const conv2d *c, gp_shape in)
{
    gp_patch_geom g = geom(c, in);
    size_t cols = (size_t)in.n * g.oh * g.ow;
    size_t kdim = (size_t)c->cin * c->k * c->k;
    size_t textbook = kdim * cols + (size_t)c->cout * cols;
    if (!dx_as_conv(c))
        return textbook;
    /* flipped weights, dY's patches, dY in CNHW (forward-only callers
     * need less, but one figure keeps the trace's arena simple) */
    size_t kk = (size_t)c->k * c->k, pixels = (size_t)in.n * in.h * in.w;
    size_t flipped = kdim * c->cout + (size_t)c->cout * kk * pixels + (size_t)c->cin * pixels;
    return textbook > flipped ? textbook : flipped;
}

/* Enough for im2col and for the faster path of this shape, prepared or
 * not (a trace sizes its scratch before preparing). */
static size_t conv_scratch(const gp_layer *l, gp_shape in)
{
    const conv2d *c = (const conv2d *)l;
    size_t s = im2col_scratch(c, in), f = 0;
    const gp_conv_path p = path_for(c, in);
    if (p == GP_CONV_PIXEL)
        f = (size_t)c->cin * pixel_cols(c);
    else if (p != GP_CONV_IM2COL) {
        gp_wino g = wino_geom(c, p, in);
        f = gp_wino_scratch(&g);
    }
    return s > f ? s : f;
}

static void conv_forward(const gp_layer *l, gp_shape in, const float *x,
                         float *y, float *scratch)
{
    const conv2d *c = (const conv2d *)l;
    gp_patch_geom g = geom(c, in);
    const int ohw = g.oh * g.ow, cols = in.n * ohw, kdim = c->cin * c->k * c->k;
    const float *kernels;
    const gp_conv_path path = take_path(c, in, &kernels);
    if (path == GP_CONV_PIXEL)
        pixel_forward(c, in, kernels, x, y);
    if (path == GP_CONV_WINO2 || path == GP_CONV_WINO4) {
        gp_wino wg = wino_geom(c, path, in);
        gp_wino_forward(&wg, kernels, x, y, scratch);
    }
    if (path != GP_CONV_IM2COL) {
        if (c->has_bias)
            gp_add_channel_bias(in.n, c->cout, ohw, l->params[1].value, y);
        return;
    }
    const float *col = x;
    if (!col_is_input(c, in)) {
        gp_im2col(&g, x, scratch);
        col = scratch;
    }
    float *out = in.n == 1 ? y : scratch + (size_t)kdim * cols;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c->cout, cols, kdim,
                1.0f, l->params[0].value, kdim, col, cols, 0.0f, out, cols);
    if (in.n > 1)
        gp_cnhw_to_nchw(in.n, c->cout, ohw, out, y);
    if (c->has_bias)
        gp_add_channel_bias(in.n, c->cout, ohw, l->params[1].value, y);
}

/* dx = conv(dY padded by k-1-pad, W flipped with cin and cout swapped). */
static void input_grad_as_conv(const conv2d *c, gp_shape in, const gp_patch_geom *g,
                               const float *w, const float *dy, float *dx, float *scratch)
{
    const int k2 = c->k * c->k, kdim = c->cout * k2, pixels = in.n * in.h * in.w;
    float *wf = scratch, *col = wf + (size_t)c->cin * kdim;
    for (int co = 0; co < c->cout; co++)
        for (int ci = 0; ci < c->cin; ci++)
            for (int t = 0; t < k2; t++)
                wf[((size_t)ci * c->cout + co) * k2 + (k2 - 1 - t)] = w[((size_t)co * c->cin + ci) * k2 + t];
    gp_patch_geom gd = dx_geom(c, in, g);
    gp_im2col(&gd, dy, col);
    float *out = in.n == 1 ? dx : col + (size_t)kdim * pixels;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c->cin, pixels, kdim, 1.0f, wf, kdim,
                col, pixels, 0.0f, out, pixels);
    if (in.n > 1)
        gp_cnhw_to_nchw(in.n, c->cin, in.h * in.w, out, dx);
}

static void conv_backward(const gp_layer *l, gp_shape in, const float *x,
                          const float *y, const float *dy, float *dx,
                          float *scratch)
{
    (void)y;
    const conv2d *c = (const conv2d *)l;
    gp_patch_geom g = geom(c, in);
    const int ohw = g.oh * g.ow, cols = in.n * ohw, kdim = c->cin * c->k * c->k;
    const float *kernels;
    const gp_conv_path path = take_path(c, in, &kernels);
    if (path != GP_CONV_IM2COL) {
        if (c->has_bias && l->params[1].grad)
            gp_sum_channel_grad(in.n, c->cout, ohw, dy, l->params[1].grad);
        if (path == GP_CONV_PIXEL) {
            pixel_backward(c, in, kernels, x, dy, dx, l->params[0].grad, scratch);
        } else {
            gp_wino wg = wino_geom(c, path, in);
            gp_wino_backward(&wg, kernels, x, dy, dx, l->params[0].grad, scratch);
        }
        return;
    }
    float *col = scratch;
    const float *dyc = dy;
    if (in.n > 1) {
        float *t = scratch + (size_t)kdim * cols;
        gp_nchw_to_cnhw(in.n, c->cout, ohw, dy, t);
        dyc = t;
    }
    const gp_param *w = &l->params[0];
    if (w->grad) {
        const float *xc = x;
        if (!col_is_input(c, in)) {
            gp_im2col(&g, x, col);
            xc = col;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c->cout, kdim, cols,
                    1.0f, dyc, cols, xc, cols, 1.0f, w->grad, kdim);
    }
    if (c->has_bias && l->params[1].grad)
        gp_sum_channel_grad(in.n, c->cout, ohw, dy, l->params[1].grad);
    if (!dx)
        return;
    if (dx_as_conv(c)) {
        input_grad_as_conv(c, in, &g, w->value, dy, dx, scratch);
        return;
    }
    if (col_is_input(c, in)) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kdim, cols, c->cout,
                    1.0f, w->value, kdim, dyc, cols, 0.0f, dx, cols);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kdim, cols, c->cout,
                1.0f, w->value, kdim, dyc, cols, 0.0f, col, cols);
    memset(dx, 0, gp_shape_count(in) * sizeof(float));
    gp_col2im(&g, col, dx);
}

static void conv_destroy(gp_layer *l)
{
    conv2d *c = (conv2d *)l;
    gp_derived_release(&c->pixel);
    gp_derived_release(&c->wino2);
    gp_derived_release(&c->wino4);
    gp_layer_destroy_plain(l);
}

static const gp_layer_ops conv2d_ops = {
    "conv2d", conv_out_shape, conv_scratch, conv_forward, conv_backward,
    conv_destroy, conv_prepare,
};

bool gp_conv2d_geometry(const gp_layer *l, int *k, int *stride, int *pad)
{
    if (l->ops != &conv2d_ops)
        return false;
    const conv2d *c = (const conv2d *)l;
    *k = c->k;
    *stride = c->stride;
    *pad = c->pad;
    return true;
}

gp_conv_path gp_conv2d_path(const gp_layer *l, gp_shape in)
{
    if (l->ops != &conv2d_ops)
        return GP_CONV_IM2COL;
    const gp_conv_path p = path_for((const conv2d *)l, in);
    const gp_derived *d = derived_of((conv2d *)l, p);
    return d && d->data ? p : GP_CONV_IM2COL;
}

void gp_conv2d_force_path(gp_layer *l, gp_conv_path p)
{
    if (l->ops == &conv2d_ops)
        ((conv2d *)l)->forced = p;
}

gp_layer *gp_conv2d_new(int cin, int cout, int k, int stride, int pad, bool bias)
{
    if (cin <= 0 || cout <= 0 || k <= 0 || stride <= 0 || pad < 0)
        return NULL;
    conv2d *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = (conv2d){ .base.ops = &conv2d_ops, .cin = cin, .cout = cout, .k = k,
                   .stride = stride, .pad = pad, .has_bias = bias, .forced = GP_CONV_AUTO };
    int wd[4] = { cout, cin, k, k };
    if (!gp_layer_init_weight_bias(&c->base, 4, wd, cout, bias)) {
        conv_destroy(&c->base);
        return NULL;
    }
    return &c->base;
}
