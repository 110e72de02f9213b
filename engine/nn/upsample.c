/* upsample.c — nearest-neighbour up-sampling by 2.
 *
 * [n, c, h, w] -> [n, c, 2h, 2w], y[2i + a][2j + b] = x[i][j].
 * No params.  Backward: dx[i][j] = sum of the 2x2 block of dy it fed.
 */
#include "nn/layer_kinds.h"

#include <stdlib.h>

static bool up_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    (void)l;
    *out = (gp_shape){ in.n, in.c, 2 * in.h, 2 * in.w };
    return true;
}

static size_t up_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

static void up_forward(const gp_layer *l, gp_shape in, const float *x,
                       float *y, float *scratch)
{
    (void)l;
    (void)scratch;
    const int w = in.w, ow = 2 * in.w;
    const size_t planes = (size_t)in.n * in.c;
    for (size_t p = 0; p < planes; p++) {
        const float *src = x + p * in.h * w;
        float *dst = y + p * 4 * in.h * w;
        for (int i = 0; i < in.h; i++) {
            float *r0 = dst + (size_t)2 * i * ow, *r1 = r0 + ow;
            for (int j = 0; j < w; j++)
                r0[2 * j] = r0[2 * j + 1] = r1[2 * j] = r1[2 * j + 1] = src[i * w + j];
        }
    }
}

static void up_backward(const gp_layer *l, gp_shape in, const float *x,
                        const float *y, const float *dy, float *dx,
                        float *scratch)
{
    (void)l;
    (void)x;
    (void)y;
    (void)scratch;
    if (!dx)
        return;
    const int w = in.w, ow = 2 * in.w;
    const size_t planes = (size_t)in.n * in.c;
    for (size_t p = 0; p < planes; p++) {
        const float *src = dy + p * 4 * in.h * w;
        float *dst = dx + p * in.h * w;
        for (int i = 0; i < in.h; i++) {
            const float *r0 = src + (size_t)2 * i * ow, *r1 = r0 + ow;
            for (int j = 0; j < w; j++)
                dst[i * w + j] = r0[2 * j] + r0[2 * j + 1] + r1[2 * j] + r1[2 * j + 1];
        }
    }
}

static const gp_layer_ops upsample_ops = {
    "upsample2", up_out_shape, up_scratch, up_forward, up_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_upsample2_new(void)
{
    gp_layer *l = calloc(1, sizeof *l);
    if (l)
        l->ops = &upsample_ops;
    return l;
}
