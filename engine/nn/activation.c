/* activation.c — element-wise activations, shape preserving.
 *
 *   linear  y = x
 *   relu    y = max(x, 0)
 *   lrelu   y = x > 0 ? x : slope * x
 *   elu     y = x > 0 ? x : alpha * (exp(x) - 1)
 *   tanh    y = tanh(x)
 *
 * No params.  Backward reads x for the piecewise ones (the kink is
 * decided on the input, x > 0, as PyTorch does) and y for elu/tanh,
 * whose derivatives are cheapest in terms of the output.
 */
#include "nn/layer_kinds.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct activation {
    gp_layer base;
    gp_act kind;
    float slope;
} activation;

static bool act_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    (void)l;
    *out = in;
    return true;
}

static size_t act_scratch(const gp_layer *l, gp_shape in)
{
    (void)l;
    (void)in;
    return 0;
}

/* y = f * v, f = 1 where x > 0, else s: leaky ReLU (v = x) and its
 * gradient (v = dy).  Written on 4 lanes at a time: GCC turns the scalar
 * form into a branch (it folds 1 * x), which its vectoriser refuses; the
 * numbers are the same either way. */
typedef float f4 __attribute__((vector_size(16)));
typedef int i4 __attribute__((vector_size(16)));

static void lrelu_scale(const float *x, const float *v, float *y, size_t n, float s)
{
    const f4 one = { 1.0f, 1.0f, 1.0f, 1.0f }, slope = { s, s, s, s }, zero = { 0 };
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        f4 xv, vv;
        memcpy(&xv, x + i, sizeof xv);
        memcpy(&vv, v + i, sizeof vv);
        const i4 pos = xv > zero;
        const f4 f = (f4)((pos & (i4)one) | (~pos & (i4)slope)), r = f * vv;
        memcpy(y + i, &r, sizeof r);
    }
    for (; i < n; i++)
        y[i] = (x[i] > 0.0f ? 1.0f : s) * v[i];
}

static void act_forward(const gp_layer *l, gp_shape in, const float *x,
                        float *y, float *scratch)
{
    (void)scratch;
    const activation *a = (const activation *)l;
    const size_t n = gp_shape_count(in);
    const float s = a->slope;
    switch (a->kind) {
    case GP_ACT_LINEAR:
        memcpy(y, x, n * sizeof(float));
        break;
    case GP_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case GP_ACT_LRELU:
        lrelu_scale(x, x, y, n, s);
        break;
    case GP_ACT_ELU:
        /* expm1 keeps small negative inputs accurate */
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? x[i] : s * expm1f(x[i]);
        break;
    case GP_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            y[i] = tanhf(x[i]);
        break;
    }
}

static void act_backward(const gp_layer *l, gp_shape in, const float *x,
                         const float *y, const float *dy, float *dx,
                         float *scratch)
{
    (void)scratch;
    if (!dx)
        return;
    const activation *a = (const activation *)l;
    const size_t n = gp_shape_count(in);
    const float s = a->slope;
    switch (a->kind) {
    case GP_ACT_LINEAR:
        memcpy(dx, dy, n * sizeof(float));
        break;
    case GP_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
        break;
    case GP_ACT_LRELU:
        lrelu_scale(x, dy, dx, n, s);
        break;
    case GP_ACT_ELU:
        /* d/dx alpha*(e^x - 1) = alpha*e^x = y + alpha */
        for (size_t i = 0; i < n; i++)
            dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * (y[i] + s);
        break;
    case GP_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    }
}

static const gp_layer_ops activation_ops = {
    "activation", act_out_shape, act_scratch, act_forward, act_backward,
    gp_layer_destroy_plain, NULL,
};

gp_layer *gp_activation_new(gp_act kind, float slope)
{
    if (kind < GP_ACT_LINEAR || kind > GP_ACT_TANH || !isfinite(slope))
        return NULL;
    activation *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    *a = (activation){ .base.ops = &activation_ops, .kind = kind, .slope = slope };
    return &a->base;
}
