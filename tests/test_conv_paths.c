/* test_conv_paths.c — the faster convolution paths against the plain
 * ones they stand in for: upconv2d with its phase kernels kept in the
 * layer.  Each is compared with an unprepared twin (upconv's per-call
 * phase kernels) with the same weights: forward, input gradient, weight
 * and bias gradients, then again after a weight change announced with
 * gp_param_changed.  Outputs, dx and scratch start as NaN, so a path
 * that skips a pixel or reads memory it did not write shows up.
 * Finite differences of the same paths: test_layers.c.
 *
 * Tolerance (norm-wise relative): 2e-6, the same sums in another order.
 */
#include "check.h"
#include "nn/layer_kinds.h"
#include "nn/net.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static gp_rng rng;

static float *falloc(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof(float));
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static float *nans(size_t n)
{
    float *p = falloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = NAN;
    return p;
}

static float *randn(size_t n)
{
    float *p = falloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = gp_rng_normal(&rng);
    return p;
}

/* |a - b| / |b| over n values; NaN anywhere counts as a total miss. */
static double rel_diff(const float *a, const float *b, size_t n)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(a[i]) || !isfinite(b[i]))
            return INFINITY;
        num += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        den += (double)b[i] * b[i];
    }
    return den > 0.0 ? sqrt(num / den) : sqrt(num);
}

/* Same random values into both layers' parameters. */
static void same_params(gp_layer *a, gp_layer *b, bool announce)
{
    for (int i = 0; i < a->nparams; i++) {
        float *v = randn(a->params[i].count);
        for (size_t k = 0; k < a->params[i].count; k++)
            v[k] *= 0.3f;
        memcpy(a->params[i].value, v, a->params[i].count * sizeof(float));
        memcpy(b->params[i].value, v, b->params[i].count * sizeof(float));
        if (announce) {
            gp_param_changed(&a->params[i]);
            gp_param_changed(&b->params[i]);
        }
        free(v);
    }
}

/* One forward and backward of both layers on the same x and dy; the
 * fast layer's results must match the plain one's within tol. */
static void compare_once(const char *name, gp_layer *plain, gp_layer *fast, gp_shape in,
                         double tol)
{
    gp_shape out;
    gp_layer_out_shape(plain, in, &out);
    const size_t nx = gp_shape_count(in), ny = gp_shape_count(out);
    const size_t ns0 = plain->ops->scratch(plain, in), ns1 = fast->ops->scratch(fast, in);
    float *x = randn(nx), *dy = randn(ny);
    float *y0 = nans(ny), *y1 = nans(ny), *dx0 = nans(nx), *dx1 = nans(nx);
    float *s0 = nans(ns0), *s1 = nans(ns1);
    gp_layer_zero_grads(plain);
    gp_layer_zero_grads(fast);
    plain->ops->forward(plain, in, x, y0, s0);
    fast->ops->forward(fast, in, x, y1, s1);
    double d = rel_diff(y1, y0, ny);
    CHECK(d < tol, "%s: forward differs by %.3g", name, d);
    plain->ops->backward(plain, in, x, y0, dy, dx0, s0);
    for (size_t i = 0; i < ns1; i++)
        s1[i] = NAN;
    fast->ops->backward(fast, in, x, y1, dy, dx1, s1);
    d = rel_diff(dx1, dx0, nx);
    CHECK(d < tol, "%s: input gradient differs by %.3g", name, d);
    for (int i = 0; i < plain->nparams; i++) {
        d = rel_diff(fast->params[i].grad, plain->params[i].grad, plain->params[i].count);
        CHECK(d < tol, "%s: %s gradient differs by %.3g", name, plain->params[i].role, d);
    }
    free(x), free(dy), free(y0), free(y1), free(dx0), free(dx1), free(s0), free(s1);
}

/* plain and fast, prepared for in: compared, then compared again after
 * new weights that the layers are told about. */
static void compare_layers(const char *name, gp_layer *plain, gp_layer *fast, gp_shape in,
                           double tol)
{
    char what[200];
    same_params(plain, fast, false);
    gp_layer_enable_grads(plain, true);
    gp_layer_enable_grads(fast, true);
    CHECK(gp_layer_prepare(fast, in), "%s: prepare failed", name);
    compare_once(name, plain, fast, in, tol);
    same_params(plain, fast, true);
    snprintf(what, sizeof what, "%s, new weights", name);
    compare_once(what, plain, fast, in, tol);
    gp_layer_free(plain);
    gp_layer_free(fast);
}

static void compare_upconv(int n, int cin, int cout, int h, int w)
{
    char name[160];
    snprintf(name, sizeof name, "upconv2d phases kept [%d,%d,%d,%d] -> %d", n, cin, h, w, cout);
    compare_layers(name, gp_upconv2d_new(cin, cout, true), gp_upconv2d_new(cin, cout, true),
                   (gp_shape){ n, cin, h, w }, 2e-6);
}

int main(void)
{
    gp_rng_seed(&rng, 16);
    compare_upconv(3, 5, 7, 3, 5);
    compare_upconv(1, 4, 3, 1, 1);
    compare_upconv(20, 6, 4, 4, 4);
    compare_upconv(2, 33, 17, 5, 7);
    compare_upconv(20, 256, 128, 8, 8);
    compare_upconv(1, 32, 16, 64, 64);
    return CHECK_DONE();
}
