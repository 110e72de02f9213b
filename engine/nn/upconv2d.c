/* upconv2d.c — nearest x2 up-sampling followed by a 3x3, stride-1,
 * pad-1 convolution, computed without materialising the up-sampled map.
 *
 * Every output pixel (2y+py, 2x+px) sees only a 2x2 window of the input:
 * the three kernel rows collapse onto two input rows (py = 0: rows y-1
 * with w0 and y with w1+w2; py = 1: row y with w0+w1 and y+1 with w2),
 * and the same for columns.  So the layer is four 2x2 convolutions, one
 * per output phase: 16 multiply-adds per output and input channel
 * instead of 36, the same numbers up to rounding.  PGGAN's first conv of
 * every resolution is this pattern; gp_net_fuse_upconv (net_fuse.c)
 * finds it.
 *
 * The four 2x2 kernels are derived from the weight once per weight
 * change (layer.h) when the layer is prepared, else in scratch per call.
 *
 * Wide layers take Winograd F(4x4,3x3) or F(2x2,3x3) on the up-sampled
 * input instead (winograd.h, up): 25 (or 9) products per 16 (or 4)
 * outputs where the phase kernels take 64 (16), once prepared for a
 * shape where gp_wino_choose says it pays.
 *
 * weight [cout, cin, 3, 3] as the conv2d it replaces, bias [cout].
 * [n, cin, h, w] -> [n, cout, 2h, 2w]
 */
#include "nn/layer_kinds.h"
#include "nn/winograd.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

typedef struct upconv {
    gp_layer base;
    int cin, cout;
    bool has_bias;
    gp_derived phases;       /* phase_kernels() of the weight, once prepared */
    gp_derived wino2, wino4; /* U of F(2,3) and F(4,3) (winograd.h) */
    gp_conv_path forced;     /* gp_upconv2d_force_path; GP_CONV_AUTO by default */
} upconv;

/* collapse[p][t][k]: kernel row k contributes to 2x2 tap t in phase p. */
static const float collapse[2][2][3] = {
    { { 1, 0, 0 }, { 0, 1, 1 } },
    { { 1, 1, 0 }, { 0, 0, 1 } },
};

static bool up_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    const upconv *u = (const upconv *)l;
    if (in.c != u->cin)
        return false;
    *out = (gp_shape){ in.n, u->cout, 2 * in.h, 2 * in.w };
    return true;
}

/* ---- paths: IM2COL stands for the phase kernels, the plain path ---- */

static gp_conv_path up_path_for(const upconv *u, gp_shape in)
{
    gp_wino g;
    int m = 0;
    if (u->forced == GP_CONV_WINO2 || u->forced == GP_CONV_WINO4)
        m = u->forced == GP_CONV_WINO2 ? 2 : 4;
    else if (u->forced == GP_CONV_AUTO)
        m = gp_wino_choose(in.n, u->cin, u->cout, in.h, in.w, 1, true);
    if (!m || !gp_wino_geom(&g, m, in.n, u->cin, u->cout, in.h, in.w, 1, true))
        return GP_CONV_IM2COL;
    return m == 2 ? GP_CONV_WINO2 : GP_CONV_WINO4;
}

static gp_derived *up_derived(upconv *u, gp_conv_path p)
{
    return p == GP_CONV_WINO2 ? &u->wino2 : p == GP_CONV_WINO4 ? &u->wino4 : &u->phases;
}

static gp_wino up_geom(const upconv *u, gp_conv_path p, gp_shape in)
{
    gp_wino g;
    gp_wino_geom(&g, p == GP_CONV_WINO2 ? 2 : 4, in.n, u->cin, u->cout, in.h, in.w, 1, true);
    return g;
}

/* The Winograd path a call takes, if prepared for it, with its U
 * (rebuilt here when the weight changed); IM2COL for the phases. */
static gp_conv_path take_wino(const upconv *u, gp_shape in, const float **kernels)
{
    const gp_conv_path p = up_path_for(u, in);
    if (p == GP_CONV_IM2COL)
        return p;
    gp_derived *d = up_derived((upconv *)u, p);
    if (!d->data)
        return GP_CONV_IM2COL;
    const gp_param *w = &u->base.params[0];
    if (gp_derived_stale(d, w))
        gp_wino_kernels(p == GP_CONV_WINO2 ? 2 : 4, u->cin, u->cout, w->value, d->data);
    *kernels = d->data;
    return p;
}

/* Enough for the phases and for the Winograd path of this shape. */
static size_t up_scratch(const gp_layer *l, gp_shape in)
{
    const upconv *u = (const upconv *)l;
    size_t cols = (size_t)in.n * in.h * in.w;
    size_t s = 4 * (size_t)u->cout * u->cin * 4 + (size_t)u->cin * 4 * cols + (size_t)u->cout * cols;
    const gp_conv_path p = up_path_for(u, in);
    if (p != GP_CONV_IM2COL) {
        gp_wino g = up_geom(u, p, in);
        size_t f = gp_wino_scratch(&g);
        s = s > f ? s : f;
    }
    return s;
}

/* The 2x2 kernels of all four phases: [phase][cout][cin][2][2]. */
static void phase_kernels(const upconv *u, const float *w, float *k)
{
    const size_t per = (size_t)u->cout * u->cin;
    for (int ph = 0; ph < 4; ph++)
        for (size_t oc = 0; oc < per; oc++) {
            const float *w9 = w + oc * 9;
            float *k4 = k + ((size_t)ph * per + oc) * 4;
            for (int t = 0; t < 4; t++) {
                float s = 0.0f;
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++)
                        s += collapse[ph >> 1][t >> 1][ky] * collapse[ph & 1][t & 1][kx] * w9[ky * 3 + kx];
                k4[t] = s;
            }
        }
}

/* The phase kernels: the layer's own (rebuilt when the weight changed,
 * the one thing a call writes into the layer) or, unprepared, scratch's. */
static const float *kernels(const upconv *u, float *scratch)
{
    const gp_param *w = &u->base.params[0];
    gp_derived *d = &((upconv *)u)->phases;
    if (!d->data) {
        phase_kernels(u, w->value, scratch);
        return scratch;
    }
    if (gp_derived_stale(d, w))
        phase_kernels(u, w->value, d->data);
    return d->data;
}

/* Adjoint of phase_kernels for one phase: dw += collapseᵀ dk. */
static void phase_kernel_grad(const upconv *u, int ph, const float *dk, float *dw)
{
    const size_t per = (size_t)u->cout * u->cin;
    for (size_t oc = 0; oc < per; oc++)
        for (int t = 0; t < 4; t++) {
            float g = dk[oc * 4 + t];
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                    dw[oc * 9 + ky * 3 + kx] += collapse[ph >> 1][t >> 1][ky] * collapse[ph & 1][t & 1][kx] * g;
        }
}

/* GEMM columns of one phase: output row 2y+py reads input rows
 * y-1+py+ty (ty = 0, 1), zero outside: a 2x2 conv whose top and left
 * paddings differ per phase, which im2col's single padding cannot say. */
static void phase_cols(gp_shape in, int ph, const float *x, float *col)
{
    const int py = ph >> 1, px = ph & 1, hw = in.h * in.w, cols = in.n * hw;
    for (int ci = 0; ci < in.c; ci++)
        for (int t = 0; t < 4; t++) {
            const int dy = py + (t >> 1) - 1, dx = px + (t & 1) - 1;
            float *row = col + (size_t)(ci * 4 + t) * cols;
            for (int s = 0; s < in.n; s++) {
                const float *plane = x + ((size_t)s * in.c + ci) * hw;
                for (int y = 0; y < in.h; y++) {
                    float *d = row + (size_t)s * hw + (size_t)y * in.w;
                    int sy = y + dy;
                    if (sy < 0 || sy >= in.h) {
                        memset(d, 0, (size_t)in.w * sizeof(float));
                        continue;
                    }
                    const float *src = plane + (size_t)sy * in.w;
                    int x0 = dx < 0 ? 1 : 0, x1 = dx > 0 ? in.w - 1 : in.w;
                    if (dx < 0)
                        d[0] = 0.0f;
                    if (dx > 0)
                        d[in.w - 1] = 0.0f;
                    memcpy(d + x0, src + x0 + dx, (size_t)(x1 - x0) * sizeof(float));
                }
            }
        }
}

/* Adjoint of phase_cols: adds the columns back into dx. */
static void phase_cols_adjoint(gp_shape in, int ph, const float *col, float *dx)
{
    const int py = ph >> 1, px = ph & 1, hw = in.h * in.w, cols = in.n * hw;
    for (int ci = 0; ci < in.c; ci++)
        for (int t = 0; t < 4; t++) {
            const int dy = py + (t >> 1) - 1, ddx = px + (t & 1) - 1;
            const float *row = col + (size_t)(ci * 4 + t) * cols;
            for (int s = 0; s < in.n; s++) {
                float *plane = dx + ((size_t)s * in.c + ci) * hw;
                for (int y = 0; y < in.h; y++) {
                    int sy = y + dy;
                    if (sy < 0 || sy >= in.h)
                        continue;
                    const float *g = row + (size_t)s * hw + (size_t)y * in.w;
                    float *d = plane + (size_t)sy * in.w;
                    int x0 = ddx < 0 ? 1 : 0, x1 = ddx > 0 ? in.w - 1 : in.w;
                    for (int xx = x0; xx < x1; xx++)
                        d[xx + ddx] += g[xx];
                }
            }
        }
}

/* out [cout][n*h*w] of one phase <-> every other pixel of y [n,cout,2h,2w]. */
static void phase_move(gp_shape in, int cout, int ph, float *phase, float *y, bool to_y)
{
    const int py = ph >> 1, px = ph & 1, hw = in.h * in.w, ow = 2 * in.w;
    for (int c = 0; c < cout; c++)
        for (int s = 0; s < in.n; s++) {
            float *p = phase + ((size_t)c * in.n + s) * hw;
            float *plane = y + ((size_t)s * cout + c) * 4 * hw;
            for (int yy = 0; yy < in.h; yy++) {
                float *row = plane + (size_t)(2 * yy + py) * ow + px;
                float *pr = p + (size_t)yy * in.w;
                if (to_y)
                    for (int xx = 0; xx < in.w; xx++)
                        row[2 * xx] = pr[xx];
                else
                    for (int xx = 0; xx < in.w; xx++)
                        pr[xx] = row[2 * xx];
            }
        }
}

static void up_forward(const gp_layer *l, gp_shape in, const float *x, float *y, float *scratch)
{
    const upconv *u = (const upconv *)l;
    const int cols = in.n * in.h * in.w, kdim = u->cin * 4;
    const float *k;
    const gp_conv_path p = take_wino(u, in, &k);
    if (p != GP_CONV_IM2COL) {
        gp_wino g = up_geom(u, p, in);
        gp_wino_forward(&g, k, x, y, scratch);
        if (u->has_bias)
            gp_add_channel_bias(in.n, u->cout, 4 * in.h * in.w, l->params[1].value, y);
        return;
    }
    float *col = scratch + 4 * (size_t)u->cout * kdim, *out = col + (size_t)kdim * cols;
    k = kernels(u, scratch);
    for (int ph = 0; ph < 4; ph++) {
        phase_cols(in, ph, x, col);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, u->cout, cols, kdim, 1.0f,
                    k + (size_t)ph * u->cout * kdim, kdim, col, cols, 0.0f, out, cols);
        phase_move(in, u->cout, ph, out, y, true);
    }
    if (u->has_bias)
        gp_add_channel_bias(in.n, u->cout, 4 * in.h * in.w, l->params[1].value, y);
}

static void up_backward(const gp_layer *l, gp_shape in, const float *x, const float *y,
                        const float *dy, float *dx, float *scratch)
{
    (void)y;
    const upconv *u = (const upconv *)l;
    const int cols = in.n * in.h * in.w, kdim = u->cin * 4;
    const gp_param *w = &l->params[0];
    if (u->has_bias && l->params[1].grad)
        gp_sum_channel_grad(in.n, u->cout, 4 * in.h * in.w, dy, l->params[1].grad);
    const float *k;
    const gp_conv_path p = take_wino(u, in, &k);
    if (p != GP_CONV_IM2COL) {
        gp_wino g = up_geom(u, p, in);
        gp_wino_backward(&g, k, x, dy, dx, w->grad, scratch);
        return;
    }
    float *col = scratch + 4 * (size_t)u->cout * kdim, *dyp = col + (size_t)kdim * cols;
    k = kernels(u, scratch);
    if (dx)
        memset(dx, 0, gp_shape_count(in) * sizeof(float));
    for (int ph = 0; ph < 4; ph++) {
        const float *kp = k + (size_t)ph * u->cout * kdim;
        /* the 2x2 gradient's slot: the kernel's own in scratch, spent by
         * then, when the kernels are not the layer's */
        float *dk = scratch + (size_t)ph * u->cout * kdim;
        phase_move(in, u->cout, ph, dyp, (float *)dy, false);
        if (dx) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kdim, cols, u->cout, 1.0f,
                        kp, kdim, dyp, cols, 0.0f, col, cols);
            phase_cols_adjoint(in, ph, col, dx);
        }
        if (w->grad) {
            phase_cols(in, ph, x, col);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, u->cout, kdim, cols, 1.0f,
                        dyp, cols, col, cols, 0.0f, dk, kdim);
            phase_kernel_grad(u, ph, dk, w->grad);
        }
    }
}

static bool up_prepare(gp_layer *l, gp_shape in)
{
    upconv *u = (upconv *)l;
    const gp_conv_path p = up_path_for(u, in);
    const size_t count = p == GP_CONV_IM2COL ? 4 * (size_t)u->cout * u->cin * 4
                                             : gp_wino_kernel_count(p == GP_CONV_WINO2 ? 2 : 4, u->cin, u->cout);
    return gp_derived_reserve(up_derived(u, p), count);
}

static void up_destroy(gp_layer *l)
{
    upconv *u = (upconv *)l;
    gp_derived_release(&u->phases);
    gp_derived_release(&u->wino2);
    gp_derived_release(&u->wino4);
    gp_layer_destroy_plain(l);
}

static const gp_layer_ops upconv_ops = {
    "upconv2d", up_out_shape, up_scratch, up_forward, up_backward, up_destroy, up_prepare,
};

gp_conv_path gp_upconv2d_path(const gp_layer *l, gp_shape in)
{
    if (l->ops != &upconv_ops)
        return GP_CONV_IM2COL;
    const gp_conv_path p = up_path_for((const upconv *)l, in);
    return p != GP_CONV_IM2COL && up_derived((upconv *)l, p)->data ? p : GP_CONV_IM2COL;
}

void gp_upconv2d_force_path(gp_layer *l, gp_conv_path p)
{
    if (l->ops == &upconv_ops)
        ((upconv *)l)->forced = p;
}

gp_layer *gp_upconv2d_new(int cin, int cout, bool bias)
{
    if (cin <= 0 || cout <= 0)
        return NULL;
    upconv *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    *u = (upconv){ .base.ops = &upconv_ops, .cin = cin, .cout = cout, .has_bias = bias,
                   .forced = GP_CONV_AUTO };
    int wd[4] = { cout, cin, 3, 3 };
    if (!gp_layer_init_weight_bias(&u->base, 4, wd, cout, bias)) {
        up_destroy(&u->base);
        return NULL;
    }
    return &u->base;
}
