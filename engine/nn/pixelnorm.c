/* pixelnorm.c — PGGAN pixel-wise feature normalisation, shape preserving:
 *
 *   y[n, c, p] = x[n, c, p] * r[n, p],  r = 1 / sqrt(mean_c x² + eps)
 *
 * No params.  Backward, with C channels:
 *   dx[c] = r * dy[c] - x[c] * r³ / C * sum_j dy[j] * x[j]
 * Loops run channel-outer, pixel-inner over one sample so every pass is
 * a contiguous stream; the per-pixel sums live in scratch [2, h*w].
 */
#include "nn/layer_kinds.h"

#include <math.h>
#include <stdlib.h>

typedef struct pixelnorm {
    gp_layer base;
    float eps;
} pixelnorm;

static bool pn_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    (void)l;
    *out = in;
    return true;
}

static size_t pn_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    return 2 * (size_t)in.h * in.w;
}

/* r[p] for one sample [c, hw]. */
static void inv_rms(const pixelnorm *pn, int c, size_t hw, const float *x, float *r)
{
    for (size_t p = 0; p < hw; p++)
        r[p] = 0.0f;
    for (int ci = 0; ci < c; ci++) {
        const float *xc = x + (size_t)ci * hw;
        for (size_t p = 0; p < hw; p++)
            r[p] += xc[p] * xc[p];
    }
    for (size_t p = 0; p < hw; p++)
        r[p] = 1.0f / sqrtf(r[p] / (float)c + pn->eps);
}

static void pn_forward(const gp_layer *l, gp_shape in, const float *x,
                       float *y, float *scratch)
{
    const pixelnorm *pn = (const pixelnorm *)l;
    const size_t hw = (size_t)in.h * in.w, plane = gp_shape_plane(in);
    float *r = scratch;
    for (int s = 0; s < in.n; s++) {
        const float *xs = x + s * plane;
        float *ys = y + s * plane;
        inv_rms(pn, in.c, hw, xs, r);
        for (int ci = 0; ci < in.c; ci++)
            for (size_t p = 0; p < hw; p++)
                ys[ci * hw + p] = xs[ci * hw + p] * r[p];
    }
}

static void pn_backward(const gp_layer *l, gp_shape in, const float *x,
                        const float *y, const float *dy, float *dx,
                        float *scratch)
{
    (void)y;
    if (!dx)
        return;
    const pixelnorm *pn = (const pixelnorm *)l;
    const size_t hw = (size_t)in.h * in.w, plane = gp_shape_plane(in);
    float *r = scratch, *k = scratch + hw;
    for (int s = 0; s < in.n; s++) {
        const float *xs = x + s * plane, *gs = dy + s * plane;
        float *ds = dx + s * plane;
        inv_rms(pn, in.c, hw, xs, r);
        for (size_t p = 0; p < hw; p++)
            k[p] = 0.0f;
        for (int ci = 0; ci < in.c; ci++)
            for (size_t p = 0; p < hw; p++)
                k[p] += gs[ci * hw + p] * xs[ci * hw + p];
        /* k becomes the coefficient of x[c] in dx */
        for (size_t p = 0; p < hw; p++)
            k[p] *= r[p] * r[p] * r[p] / (float)in.c;
        for (int ci = 0; ci < in.c; ci++)
            for (size_t p = 0; p < hw; p++)
                ds[ci * hw + p] = r[p] * gs[ci * hw + p] - k[p] * xs[ci * hw + p];
    }
}

static const gp_layer_ops pixelnorm_ops = {
    "pixelnorm", pn_out_shape, pn_scratch, pn_forward, pn_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_pixelnorm_new(float eps)
{
    if (!(eps >= 0.0f) || !isfinite(eps))
        return NULL;
    pixelnorm *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = (pixelnorm){ .base.ops = &pixelnorm_ops, .eps = eps };
    return &p->base;
}
