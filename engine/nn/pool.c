/* pool.c — average and max pooling, k x k windows, stride s, no
 * padding, floor mode: [n, c, h, w] -> [n, c, (h-k)/s+1, (w-k)/s+1].
 *
 * No params.  Backward: avg spreads dy / k² over its window; max routes
 * dy to the window's argmax (the first maximum in row-major order on a
 * tie, as PyTorch does), found again from x since layers keep no state.
 * Windows overlap when s < k, so both accumulate into a zeroed dx.
 */
#include "nn/layer_kinds.h"

#include <stdlib.h>
#include <string.h>

typedef struct pool {
    gp_layer base;
    int k, stride;
    bool is_max;
} pool;

/* Output size of one side (the caller checked size >= k). */
static int out_side(const pool *p, int size) { return (size - p->k) / p->stride + 1; }

static bool pool_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    const pool *p = (const pool *)l;
    if (in.h < p->k || in.w < p->k)
        return false;
    *out = (gp_shape){ in.n, in.c, out_side(p, in.h), out_side(p, in.w) };
    return true;
}

static size_t pool_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

/* Offset within the plane of the window's first maximum. */
static size_t window_argmax(const float *plane, int w, int k, size_t top_left)
{
    size_t best = top_left;
    for (int ky = 0; ky < k; ky++)
        for (int kx = 0; kx < k; kx++) {
            size_t i = top_left + (size_t)ky * w + kx;
            if (plane[i] > plane[best])
                best = i;
        }
    return best;
}

static float window_sum(const float *plane, int w, int k, size_t top_left)
{
    float s = 0.0f;
    for (int ky = 0; ky < k; ky++)
        for (int kx = 0; kx < k; kx++)
            s += plane[top_left + (size_t)ky * w + kx];
    return s;
}

static void pool_forward(const gp_layer *l, gp_shape in, const float *x,
                         float *y, float *scratch)
{
    (void)scratch;
    const pool *p = (const pool *)l;
    const gp_shape o = { in.n, in.c, out_side(p, in.h), out_side(p, in.w) };
    const size_t planes = (size_t)in.n * in.c, ihw = (size_t)in.h * in.w;
    const float inv = 1.0f / (float)(p->k * p->k);
    for (size_t pl = 0; pl < planes; pl++) {
        const float *src = x + pl * ihw;
        float *dst = y + pl * o.h * o.w;
        for (int oy = 0; oy < o.h; oy++)
            for (int ox = 0; ox < o.w; ox++) {
                size_t tl = (size_t)oy * p->stride * in.w + (size_t)ox * p->stride;
                dst[oy * o.w + ox] = p->is_max
                    ? src[window_argmax(src, in.w, p->k, tl)]
                    : window_sum(src, in.w, p->k, tl) * inv;
            }
    }
}

static void pool_backward(const gp_layer *l, gp_shape in, const float *x,
                          const float *y, const float *dy, float *dx,
                          float *scratch)
{
    (void)y;
    (void)scratch;
    if (!dx)
        return;
    const pool *p = (const pool *)l;
    const gp_shape o = { in.n, in.c, out_side(p, in.h), out_side(p, in.w) };
    const size_t planes = (size_t)in.n * in.c, ihw = (size_t)in.h * in.w;
    const float inv = 1.0f / (float)(p->k * p->k);
    memset(dx, 0, gp_shape_count(in) * sizeof(float));
    for (size_t pl = 0; pl < planes; pl++) {
        const float *src = x + pl * ihw, *g = dy + pl * o.h * o.w;
        float *d = dx + pl * ihw;
        for (int oy = 0; oy < o.h; oy++)
            for (int ox = 0; ox < o.w; ox++) {
                size_t tl = (size_t)oy * p->stride * in.w + (size_t)ox * p->stride;
                float gv = g[oy * o.w + ox];
                if (p->is_max) {
                    d[window_argmax(src, in.w, p->k, tl)] += gv;
                    continue;
                }
                for (int ky = 0; ky < p->k; ky++)
                    for (int kx = 0; kx < p->k; kx++)
                        d[tl + (size_t)ky * in.w + kx] += gv * inv;
            }
    }
}

static const gp_layer_ops avgpool_ops = {
    "avgpool", pool_out_shape, pool_scratch, pool_forward, pool_backward,
    gp_layer_destroy_plain, NULL,
};

static const gp_layer_ops maxpool_ops = {
    "maxpool", pool_out_shape, pool_scratch, pool_forward, pool_backward,
    gp_layer_destroy_plain, NULL,
};

static gp_layer *pool_new(int k, int stride, bool is_max)
{
    if (k <= 0 || stride <= 0)
        return NULL;
    pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = (pool){ .base.ops = is_max ? &maxpool_ops : &avgpool_ops, .k = k,
                 .stride = stride, .is_max = is_max };
    return &p->base;
}

gp_layer *gp_avgpool_new(int k, int stride) { return pool_new(k, stride, false); }
gp_layer *gp_maxpool_new(int k, int stride) { return pool_new(k, stride, true); }
