/* batchnorm.c — batch normalisation in inference form, per channel:
 *
 *   y[n, c, h, w] = (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c]
 *
 * params gamma, beta, mean, var, each [c], in that order.  Shape
 * preserving.  mean and var are running statistics, constants here:
 * backward leaves their grads alone.  Backward:
 *   dx = dy * gamma * inv,  dgamma += sum dy * (x - mean) * inv,
 *   dbeta += sum dy,  with inv = 1 / sqrt(var + eps).
 */
#include "nn/layer_kinds.h"

#include <math.h>
#include <stdlib.h>

enum { GAMMA, BETA, MEAN, VAR };

typedef struct batchnorm {
    gp_layer base;
    int c;
    float eps;
} batchnorm;

static bool bn_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    if (in.c != ((const batchnorm *)l)->c)
        return false;
    *out = in;
    return true;
}

static size_t bn_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

static float inv_std(const batchnorm *b, int c)
{
    return 1.0f / sqrtf(b->base.params[VAR].value[c] + b->eps);
}

static void bn_forward(const gp_layer *l, gp_shape in, const float *x,
                       float *y, float *scratch)
{
    (void)scratch;
    const batchnorm *b = (const batchnorm *)l;
    const size_t hw = (size_t)in.h * in.w;
    for (int c = 0; c < in.c; c++) {
        /* folded to one multiply-add per element */
        const float a = l->params[GAMMA].value[c] * inv_std(b, c);
        const float d = l->params[BETA].value[c] - l->params[MEAN].value[c] * a;
        for (int n = 0; n < in.n; n++) {
            const size_t off = ((size_t)n * in.c + c) * hw;
            for (size_t i = 0; i < hw; i++)
                y[off + i] = x[off + i] * a + d;
        }
    }
}

static void bn_backward(const gp_layer *l, gp_shape in, const float *x,
                        const float *y, const float *dy, float *dx,
                        float *scratch)
{
    (void)y;
    (void)scratch;
    const batchnorm *b = (const batchnorm *)l;
    const size_t hw = (size_t)in.h * in.w;
    float *dg = l->params[GAMMA].grad, *db = l->params[BETA].grad;
    for (int c = 0; c < in.c; c++) {
        const float inv = inv_std(b, c), mean = l->params[MEAN].value[c];
        const float a = l->params[GAMMA].value[c] * inv;
        double sg = 0.0, sb = 0.0;
        for (int n = 0; n < in.n; n++) {
            const size_t off = ((size_t)n * in.c + c) * hw;
            for (size_t i = 0; i < hw; i++) {
                sg += (double)dy[off + i] * (x[off + i] - mean);
                sb += dy[off + i];
            }
            if (dx)
                for (size_t i = 0; i < hw; i++)
                    dx[off + i] = dy[off + i] * a;
        }
        if (dg)
            dg[c] += (float)(sg * inv);
        if (db)
            db[c] += (float)sb;
    }
}

static const gp_layer_ops batchnorm_ops = {
    "batchnorm", bn_out_shape, bn_scratch, bn_forward, bn_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_batchnorm_new(int c, float eps)
{
    if (c <= 0 || !(eps >= 0.0f) || !isfinite(eps))
        return NULL;
    batchnorm *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    *b = (batchnorm){ .base.ops = &batchnorm_ops, .c = c, .eps = eps };
    static const char *const roles[4] = { "gamma", "beta", "mean", "var" };
    for (int i = 0; i < 4; i++) {
        b->base.nparams = i + 1;
        if (!gp_param_init(&b->base.params[i], roles[i], 1, &c)) {
            gp_layer_destroy_plain(&b->base);
            return NULL;
        }
    }
    return &b->base;
}
