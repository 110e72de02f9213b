/* dense.c — fully connected layer as one SGEMM over the batch.
 *
 * weight [out, in], optional bias [out], out = oc*oh*ow.  Each sample's
 * input is read flat (any [c, h, w] with c*h*w = in) and its output is
 * viewed as [oc, oh, ow]:  Y[n, out] = X[n, in] * Wᵀ + b.
 * Backward: dW += dYᵀ X, db += column sums of dY, dX = dY W.
 */
#include "nn/layer_kinds.h"

#include <cblas.h>
#include <stdlib.h>

typedef struct dense {
    gp_layer base;
    int in, out, oc, oh, ow;
    bool has_bias;
} dense;

static bool dense_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    const dense *d = (const dense *)l;
    if (gp_shape_plane(in) != (size_t)d->in)
        return false;
    *out = (gp_shape){ in.n, d->oc, d->oh, d->ow };
    return true;
}

static size_t dense_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

static void dense_forward(const gp_layer *l, gp_shape in, const float *x,
                          float *y, float *scratch)
{
    (void)scratch;
    const dense *d = (const dense *)l;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, in.n, d->out, d->in,
                1.0f, x, d->in, l->params[0].value, d->in, 0.0f, y, d->out);
    if (d->has_bias) /* one "channel" per output unit, hw = 1 */
        gp_add_channel_bias(in.n, d->out, 1, l->params[1].value, y);
}

static void dense_backward(const gp_layer *l, gp_shape in, const float *x,
                           const float *y, const float *dy, float *dx,
                           float *scratch)
{
    (void)y;
    (void)scratch;
    const dense *d = (const dense *)l;
    const gp_param *w = &l->params[0];
    if (w->grad)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d->out, d->in, in.n,
                    1.0f, dy, d->out, x, d->in, 1.0f, w->grad, d->in);
    if (d->has_bias && l->params[1].grad)
        gp_sum_channel_grad(in.n, d->out, 1, dy, l->params[1].grad);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, in.n, d->in, d->out,
                    1.0f, dy, d->out, w->value, d->in, 0.0f, dx, d->in);
}

static const gp_layer_ops dense_ops = {
    "dense", dense_out_shape, dense_scratch, dense_forward, dense_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_dense_new(int in, int oc, int oh, int ow, bool bias)
{
    if (in <= 0 || oc <= 0 || oh <= 0 || ow <= 0)
        return NULL;
    long long out = (long long)oc * oh * ow;
    if (out > 0x7fffffff || (long long)in * out > 0x7fffffff)
        return NULL; /* BLAS takes int dimensions */
    dense *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    *d = (dense){ .base.ops = &dense_ops, .in = in, .out = (int)out, .oc = oc,
                  .oh = oh, .ow = ow, .has_bias = bias };
    int wd[2] = { d->out, in };
    if (!gp_layer_init_weight_bias(&d->base, 2, wd, d->out, bias)) {
        gp_layer_destroy_plain(&d->base);
        return NULL;
    }
    return &d->base;
}
