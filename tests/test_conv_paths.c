/* test_conv_paths.c — the faster convolution paths against the plain
 * ones they stand in for: conv2d on a 1x1 input as one GEMM (PIXEL),
 * Winograd F(2x2,3x3) and F(4x4,3x3) (WINO2, WINO4), and upconv2d with
 * its phase kernels kept in the layer or by Winograd on the up-sampled
 * input.  Each is compared with an unprepared twin (im2col + SGEMM, or
 * upconv's per-call phase kernels) with the
 * same weights: forward, input gradient, weight and bias gradients, on
 * the default model's shapes and on random ones (odd sizes, paddings 0-2,
 * batch 1 and 20), then again after a weight change announced with
 * gp_param_changed.  Outputs, dx and scratch start as NaN, so a path
 * that skips a pixel or reads memory it did not write shows up.
 * Finite differences of the same paths: test_layers.c.
 *
 * Tolerances (norm-wise relative): 2e-6 where the path is the same sums
 * in another order or F(2,3) (seen: at most 6e-7, at 256 channels), 2e-5
 * for F(4,3), whose transforms (entries up to 8 and 1/24) cost about a
 * decimal digit (seen: 3e-6 at 256 channels, 2e-6 at 128).
 */
#include "check.h"
#include "reference.h"
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

static const char *path_name(gp_conv_path p)
{
    static const char *names[] = { "im2col", "pixel", "wino2", "wino4", "auto" };
    return names[p];
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
    double d = rel_err(y1, y0, ny);
    CHECK(d < tol, "%s: forward differs by %.3g", name, d);
    plain->ops->backward(plain, in, x, y0, dy, dx0, s0);
    for (size_t i = 0; i < ns1; i++)
        s1[i] = NAN;
    fast->ops->backward(fast, in, x, y1, dy, dx1, s1);
    d = rel_err(dx1, dx0, nx);
    CHECK(d < tol, "%s: input gradient differs by %.3g", name, d);
    for (int i = 0; i < plain->nparams; i++) {
        d = rel_err(fast->params[i].grad, plain->params[i].grad, plain->params[i].count);
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

static void compare_conv(gp_conv_path path, int n, int cin, int cout, int h, int w, int k,
                         int stride, int pad)
{
    char name[160];
    snprintf(name, sizeof name, "conv2d %s [%d,%d,%d,%d] -> %d k%d s%d p%d", path_name(path), n,
             cin, h, w, cout, k, stride, pad);
    gp_layer *plain = gp_conv2d_new(cin, cout, k, stride, pad, true);
    gp_layer *fast = gp_conv2d_new(cin, cout, k, stride, pad, true);
    gp_conv2d_force_path(plain, GP_CONV_IM2COL);
    gp_conv2d_force_path(fast, path);
    const gp_shape in = { n, cin, h, w };
    gp_layer_prepare(fast, in);
    CHECK(gp_conv2d_path(fast, in) == path, "%s: takes path %s", name,
          path_name(gp_conv2d_path(fast, in)));
    compare_layers(name, plain, fast, in, path == GP_CONV_WINO4 ? 2e-5 : 2e-6);
}

/* upconv2d: IM2COL here is its four phase kernels, kept in the layer;
 * the twin computes them per call. */
static void compare_upconv(gp_conv_path path, int n, int cin, int cout, int h, int w)
{
    char name[160];
    snprintf(name, sizeof name, "upconv2d %s [%d,%d,%d,%d] -> %d", path == GP_CONV_IM2COL ?
             "phases kept" : path_name(path), n, cin, h, w, cout);
    gp_layer *plain = gp_upconv2d_new(cin, cout, true), *fast = gp_upconv2d_new(cin, cout, true);
    gp_upconv2d_force_path(plain, GP_CONV_IM2COL);
    gp_upconv2d_force_path(fast, path);
    const gp_shape in = { n, cin, h, w };
    gp_layer_prepare(fast, in);
    CHECK(gp_upconv2d_path(fast, in) == path, "%s: takes path %s", name,
          path_name(gp_upconv2d_path(fast, in)));
    compare_layers(name, plain, fast, in, path == GP_CONV_WINO4 ? 2e-5 : 2e-6);
}

/* The default model's G1 (20 codes) and G2 (one image) shapes. */
static void default_model_shapes(void)
{
    compare_conv(GP_CONV_PIXEL, 20, 256, 256, 1, 1, 4, 1, 3);
    compare_conv(GP_CONV_WINO2, 20, 256, 256, 4, 4, 3, 1, 1);
    compare_conv(GP_CONV_WINO4, 20, 256, 256, 8, 8, 3, 1, 1);
    compare_conv(GP_CONV_WINO4, 20, 128, 128, 16, 16, 3, 1, 1);
    compare_conv(GP_CONV_WINO4, 1, 64, 64, 32, 32, 3, 1, 1);
    compare_upconv(GP_CONV_WINO4, 20, 256, 256, 4, 4);
    compare_upconv(GP_CONV_WINO4, 20, 256, 128, 8, 8);
    compare_upconv(GP_CONV_WINO4, 1, 128, 64, 16, 16);
    compare_upconv(GP_CONV_IM2COL, 1, 32, 16, 64, 64);
}

static void small_shapes(void)
{
    /* a 1x1 input: every kernel size, stride and padding that reads it */
    compare_conv(GP_CONV_PIXEL, 1, 3, 5, 1, 1, 4, 1, 3);
    compare_conv(GP_CONV_PIXEL, 20, 7, 2, 1, 1, 3, 1, 1);
    compare_conv(GP_CONV_PIXEL, 2, 4, 3, 1, 1, 4, 2, 3);
    compare_conv(GP_CONV_PIXEL, 3, 5, 4, 1, 1, 5, 1, 2);
    compare_conv(GP_CONV_PIXEL, 1, 2, 3, 1, 1, 2, 1, 1);
    compare_conv(GP_CONV_PIXEL, 2, 3, 3, 1, 1, 3, 2, 2);
    /* Winograd: tiles cut by the edges, tiny maps, paddings 0 and 2 */
    for (int m = 0; m < 2; m++) {
        const gp_conv_path p = m ? GP_CONV_WINO4 : GP_CONV_WINO2;
        compare_conv(p, 1, 3, 5, 7, 9, 3, 1, 1);
        compare_conv(p, 20, 4, 6, 8, 8, 3, 1, 1);
        compare_conv(p, 2, 3, 2, 5, 3, 3, 1, 0);
        compare_conv(p, 2, 3, 2, 5, 3, 3, 1, 2);
        compare_conv(p, 1, 2, 3, 1, 1, 3, 1, 1);
        compare_conv(p, 1, 2, 3, 2, 1, 3, 1, 2);
        compare_conv(p, 3, 33, 17, 13, 11, 3, 1, 1);
    }
    for (int p = 0; p < 3; p++) {
        const gp_conv_path path = p == 0 ? GP_CONV_IM2COL : p == 1 ? GP_CONV_WINO2 : GP_CONV_WINO4;
        compare_upconv(path, 3, 5, 7, 3, 5);
        compare_upconv(path, 1, 4, 3, 1, 1);
        compare_upconv(path, 20, 6, 4, 4, 4);
        compare_upconv(path, 2, 33, 17, 5, 7);
    }
}

/* Random shapes from a seeded generator: sizes 1-13, channels 1-40,
 * batches 1, 2 and 20, paddings 0-2 (empty outputs skipped). */
static void random_shapes(void)
{
    static const int batches[3] = { 1, 2, 20 };
    for (int i = 0; i < 24; i++) {
        const int n = batches[(int)(gp_rng_uniform(&rng) * 3)];
        const int h = 1 + (int)(gp_rng_uniform(&rng) * 13), w = 1 + (int)(gp_rng_uniform(&rng) * 13);
        const int cin = 1 + (int)(gp_rng_uniform(&rng) * 40), cout = 1 + (int)(gp_rng_uniform(&rng) * 40);
        const int pad = (int)(gp_rng_uniform(&rng) * 3);
        const gp_conv_path path = i % 2 ? GP_CONV_WINO4 : GP_CONV_WINO2;
        if (i % 3 == 0)
            compare_upconv(path, n, cin, cout, h, w);
        else if (h + 2 * pad >= 3 && w + 2 * pad >= 3)
            compare_conv(path, n, cin, cout, h, w, 3, 1, pad);
    }
}

/* What an unforced upconv2d picks once prepared. */
static void automatic_upconv(void)
{
    static const struct {
        int n, cin, cout, hw;
        gp_conv_path want;
    } cases[] = {
        { 20, 256, 256, 4, GP_CONV_WINO4 }, /* the default model's G1 */
        { 20, 256, 128, 8, GP_CONV_WINO4 },
        { 1, 128, 64, 16, GP_CONV_WINO4 },  /* its G2 */
        { 1, 64, 32, 32, GP_CONV_WINO4 },
        { 1, 32, 16, 64, GP_CONV_IM2COL },
        { 1, 256, 256, 4, GP_CONV_WINO2 },  /* one code at 4x4: 4 tiles of F(4,3) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_layer *l = gp_upconv2d_new(cases[i].cin, cases[i].cout, true);
        const gp_shape in = { cases[i].n, cases[i].cin, cases[i].hw, cases[i].hw };
        CHECK(gp_upconv2d_path(l, in) == GP_CONV_IM2COL, "upconv case %zu: a layer never prepared "
              "takes %s", i, path_name(gp_upconv2d_path(l, in)));
        CHECK(gp_layer_prepare(l, in), "upconv case %zu: prepare", i);
        CHECK(gp_upconv2d_path(l, in) == cases[i].want, "upconv case %zu: takes %s, expected %s", i,
              path_name(gp_upconv2d_path(l, in)), path_name(cases[i].want));
        gp_layer_free(l);
    }
}

/* What an unforced layer picks once a trace has prepared it. */
static void automatic_choice(void)
{
    static const struct {
        int n, cin, cout, hw, k, pad;
        gp_conv_path want;
    } cases[] = {
        { 20, 256, 256, 1, 4, 3, GP_CONV_PIXEL },  /* the generator's first layer */
        { 20, 256, 256, 4, 3, 1, GP_CONV_WINO2 },  /* 20 codes at 4x4: F(4,3) would have 20 tiles */
        { 20, 256, 256, 8, 3, 1, GP_CONV_WINO4 },
        { 20, 128, 128, 16, 3, 1, GP_CONV_WINO4 },
        { 1, 16, 16, 128, 3, 1, GP_CONV_IM2COL },  /* too narrow for the transforms */
        { 1, 64, 64, 32, 3, 2, GP_CONV_WINO4 },
        { 1, 64, 64, 32, 5, 2, GP_CONV_IM2COL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_layer *l = gp_conv2d_new(cases[i].cin, cases[i].cout, cases[i].k, 1, cases[i].pad, false);
        const gp_shape in = { cases[i].n, cases[i].cin, cases[i].hw, cases[i].hw };
        CHECK(gp_conv2d_path(l, in) == GP_CONV_IM2COL, "case %zu: a layer never prepared takes %s",
              i, path_name(gp_conv2d_path(l, in)));
        CHECK(gp_layer_prepare(l, in), "case %zu: prepare", i);
        CHECK(gp_conv2d_path(l, in) == cases[i].want, "case %zu: takes %s, expected %s", i,
              path_name(gp_conv2d_path(l, in)), path_name(cases[i].want));
        gp_layer_free(l);
    }
}

int main(void)
{
    gp_rng_seed(&rng, 16);
    automatic_choice();
    automatic_upconv();
    small_shapes();
    random_shapes();
    default_model_shapes();
    return CHECK_DONE();
}
