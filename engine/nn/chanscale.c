/* chanscale.c — per-channel scale: y[n, c, h, w] = x[n, c, h, w] * s[c].
 *
 * scale [c] (the channel importance alpha of mGANprior).  Shape
 * preserving.  Backward: dx = dy * s[c], ds[c] += sum of dy * x over
 * n, h, w.
 */
#include "nn/layer_kinds.h"

#include <stdlib.h>

typedef struct chanscale {
    gp_layer base;
    int c;
} chanscale;

static bool cs_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    if (in.c != ((const chanscale *)l)->c)
        return false;
    *out = in;
    return true;
}

static size_t cs_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

/* out = a * s[c] on every plane of [n, c, hw]. */
static void scale_planes(gp_shape in, const float *a, const float *s, float *out)
{
    const size_t hw = (size_t)in.h * in.w;
    for (int n = 0; n < in.n; n++)
        for (int c = 0; c < in.c; c++) {
            const size_t off = ((size_t)n * in.c + c) * hw;
            const float v = s[c];
            for (size_t i = 0; i < hw; i++)
                out[off + i] = a[off + i] * v;
        }
}

static void cs_forward(const gp_layer *l, gp_shape in, const float *x,
                       float *y, float *scratch)
{
    (void)scratch;
    scale_planes(in, x, l->params[0].value, y);
}

static void cs_backward(const gp_layer *l, gp_shape in, const float *x,
                        const float *y, const float *dy, float *dx,
                        float *scratch)
{
    (void)y;
    (void)scratch;
    float *ds = l->params[0].grad;
    if (ds) {
        const size_t hw = (size_t)in.h * in.w;
        for (int c = 0; c < in.c; c++) {
            double acc = 0.0;
            for (int n = 0; n < in.n; n++) {
                const size_t off = ((size_t)n * in.c + c) * hw;
                for (size_t i = 0; i < hw; i++)
                    acc += (double)dy[off + i] * x[off + i];
            }
            ds[c] += (float)acc;
        }
    }
    if (dx)
        scale_planes(in, dy, l->params[0].value, dx);
}

static const gp_layer_ops chanscale_ops = {
    "chanscale", cs_out_shape, cs_scratch, cs_forward, cs_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_chanscale_new(int c)
{
    if (c <= 0)
        return NULL;
    chanscale *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    *s = (chanscale){ .base.ops = &chanscale_ops, .c = c };
    s->base.nparams = 1;
    if (!gp_param_init(&s->base.params[0], "scale", 1, &c)) {
        gp_layer_destroy_plain(&s->base);
        return NULL;
    }
    return &s->base;
}
