/* conv2d.c — 2-D convolution as im2col + one SGEMM over the whole batch.
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

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

typedef struct conv2d {
    gp_layer base;
    int cin, cout, k, stride, pad;
    bool has_bias;
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

static size_t conv_scratch(const gp_layer *l, gp_shape in)
{
    const conv2d *c = (const conv2d *)l;
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

static void conv_forward(const gp_layer *l, gp_shape in, const float *x,
                         float *y, float *scratch)
{
    const conv2d *c = (const conv2d *)l;
    gp_patch_geom g = geom(c, in);
    const int ohw = g.oh * g.ow, cols = in.n * ohw, kdim = c->cin * c->k * c->k;
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

static const gp_layer_ops conv2d_ops = {
    "conv2d", conv_out_shape, conv_scratch, conv_forward, conv_backward,
    gp_layer_destroy_plain, NULL,
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

gp_layer *gp_conv2d_new(int cin, int cout, int k, int stride, int pad, bool bias)
{
    if (cin <= 0 || cout <= 0 || k <= 0 || stride <= 0 || pad < 0)
        return NULL;
    conv2d *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = (conv2d){ .base.ops = &conv2d_ops, .cin = cin, .cout = cout, .k = k,
                   .stride = stride, .pad = pad, .has_bias = bias };
    int wd[4] = { cout, cin, k, k };
    if (!gp_layer_init_weight_bias(&c->base, 4, wd, cout, bias)) {
        gp_layer_destroy_plain(&c->base);
        return NULL;
    }
    return &c->base;
}
