/* bias.c — per-channel bias: y[n, c, h, w] = x[n, c, h, w] + b[c].
 *
 * bias [c].  Shape preserving.  Backward: dx = dy, db[c] += sum of dy
 * over n, h, w.  The two helpers also serve every layer whose output
 * carries a per-channel bias (conv2d, conv_transpose2d, dense).
 */
#include "nn/layer_kinds.h"

#include <stdlib.h>
#include <string.h>

void gp_add_channel_bias(int n, int c, int hw, const float *b, float *y)
{
    for (int s = 0; s < n; s++)
        for (int ci = 0; ci < c; ci++) {
            float *p = y + ((size_t)s * c + ci) * hw;
            const float v = b[ci];
            for (int i = 0; i < hw; i++)
                p[i] += v;
        }
}

/* Adds into db: gradients accumulate across calls like weight grads. */
void gp_sum_channel_grad(int n, int c, int hw, const float *dy, float *db)
{
    for (int ci = 0; ci < c; ci++) {
        double acc = 0.0; /* a sum over a whole batch of planes */
        for (int s = 0; s < n; s++) {
            const float *p = dy + ((size_t)s * c + ci) * hw;
            for (int i = 0; i < hw; i++)
                acc += p[i];
        }
        db[ci] += (float)acc;
    }
}

typedef struct bias_layer {
    gp_layer base;
    int c;
} bias_layer;

static bool bias_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    if (in.c != ((const bias_layer *)l)->c)
        return false;
    *out = in;
    return true;
}

static size_t bias_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

static void bias_forward(const gp_layer *l, gp_shape in, const float *x,
                         float *y, float *scratch)
{
    (void)scratch;
    memcpy(y, x, gp_shape_count(in) * sizeof(float));
    gp_add_channel_bias(in.n, in.c, in.h * in.w, l->params[0].value, y);
}

static void bias_backward(const gp_layer *l, gp_shape in, const float *x,
                          const float *y, const float *dy, float *dx,
                          float *scratch)
{
    (void)x;
    (void)y;
    (void)scratch;
    if (l->params[0].grad)
        gp_sum_channel_grad(in.n, in.c, in.h * in.w, dy, l->params[0].grad);
    if (dx)
        memcpy(dx, dy, gp_shape_count(in) * sizeof(float));
}

static const gp_layer_ops bias_ops = {
    "bias", bias_out_shape, bias_scratch, bias_forward, bias_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_bias_new(int c)
{
    if (c <= 0)
        return NULL;
    bias_layer *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    *b = (bias_layer){ .base.ops = &bias_ops, .c = c };
    b->base.nparams = 1;
    if (!gp_param_init(&b->base.params[0], "bias", 1, &c)) {
        gp_layer_destroy_plain(&b->base);
        return NULL;
    }
    return &b->base;
}
