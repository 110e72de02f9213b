/* bench_conv_paths.c — each conv2d path on each shape it applies to.
 *
 *   bench_conv_paths [REPS]
 *
 * For the convolutions of the default model's shape at the batch an
 * inversion runs them (20 codes to the 16 px map, then one image) and a
 * few more, times forward, input gradient and weight gradient of every
 * path that applies (im2col, pixel, wino2, wino4: conv2d.c; phases, wino2,
 * wino4: upconv2d.c) and marks the one a prepared layer chooses.  The paths run interleaved, rep by rep,
 * and the best of REPS (default 15) is printed with the median: on a
 * shared machine the best is the steadier figure for comparing paths.
 * Milliseconds; nothing is asserted.
 */
#include "ganprior.h"
#include "nn/layer_kinds.h"
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_REPS = 64, NPATHS = 4 };

typedef struct conv_shape {
    int n, cin, cout, hw, k, pad;
    bool up; /* upconv2d: hw is its input's size; im2col stands for its phase kernels */
} conv_shape;

static const conv_shape shapes[] = {
    { 20, 256, 256, 1, 4, 3, false },  /* G1: the first layer, latent as a 1x1 map */
    { 20, 256, 256, 4, 3, 1, false },
    { 20, 256, 256, 4, 3, 1, true },
    { 20, 256, 256, 8, 3, 1, false },
    { 20, 256, 128, 8, 3, 1, true },
    { 20, 128, 128, 16, 3, 1, false },
    { 1, 128, 64, 16, 3, 1, true },    /* G2, one image */
    { 1, 64, 64, 32, 3, 1, false },
    { 1, 64, 32, 32, 3, 1, true },
    { 1, 32, 32, 64, 3, 1, false },
    { 1, 32, 16, 64, 3, 1, true },
    { 1, 16, 16, 128, 3, 1, false },
    { 10, 256, 256, 4, 3, 1, false },  /* other codes and splits */
    { 10, 256, 256, 4, 3, 1, true },
    { 10, 256, 256, 8, 3, 1, false },
    { 1, 256, 256, 4, 3, 1, false },
    { 1, 256, 256, 4, 3, 1, true },
    { 1, 256, 256, 8, 3, 1, false },
    { 1, 128, 128, 16, 3, 1, false },
    { 1, 32, 128, 15, 3, 1, false },   /* SqueezeNet 1.1's expand3x3 on 128 px (perceptual) */
    { 1, 48, 192, 7, 3, 1, false },
    { 1, 64, 256, 7, 3, 1, false },
};

static gp_layer *make(const conv_shape *s)
{
    return s->up ? gp_upconv2d_new(s->cin, s->cout, false)
                 : gp_conv2d_new(s->cin, s->cout, s->k, 1, s->pad, false);
}

static gp_conv_path path_of(const conv_shape *s, const gp_layer *l, gp_shape in)
{
    return s->up ? gp_upconv2d_path(l, in) : gp_conv2d_path(l, in);
}

static const char *names[NPATHS] = { "im2col", "pixel", "wino2", "wino4" }; /* im2col: phases for upconv2d */

typedef struct timing {
    double t[3][MAX_REPS]; /* forward, input gradient, weight gradient */
} timing;

static double best(const double *v, int n)
{
    double b = v[0];
    for (int i = 1; i < n; i++)
        b = v[i] < b ? v[i] : b;
    return b;
}

static void bench_shape(const conv_shape *s, int reps)
{
    const gp_shape in = { s->n, s->cin, s->hw, s->hw };
    gp_layer *l[NPATHS] = { 0 };
    bool on[NPATHS] = { false };
    size_t nscratch = 0;
    gp_shape out;
    for (int p = 0; p < NPATHS; p++) {
        l[p] = make(s);
        if (s->up)
            gp_upconv2d_force_path(l[p], (gp_conv_path)p);
        else
            gp_conv2d_force_path(l[p], (gp_conv_path)p);
        float *w = bench_random(l[p]->params[0].count, 1);
        memcpy(l[p]->params[0].value, w, l[p]->params[0].count * sizeof(float));
        free(w);
        gp_layer_enable_grads(l[p], true);
        gp_layer_prepare(l[p], in);
        on[p] = path_of(s, l[p], in) == (gp_conv_path)p;
        size_t ns = l[p]->ops->scratch(l[p], in);
        nscratch = ns > nscratch ? ns : nscratch;
    }
    gp_layer *automatic = make(s);
    gp_layer_prepare(automatic, in);
    const gp_conv_path chosen = path_of(s, automatic, in);
    gp_layer_free(automatic);
    gp_layer_out_shape(l[0], in, &out);
    float *x = bench_random(gp_shape_count(in), 2), *dy = bench_random(gp_shape_count(out), 3);
    float *y = malloc(gp_shape_count(out) * sizeof(float)), *dx = malloc(gp_shape_count(in) * sizeof(float));
    float *scratch = malloc((nscratch + 1) * sizeof(float));
    static timing tm[NPATHS];
    for (int r = -1; r < reps; r++) /* r = -1: warm-up, derived kernels built */
        for (int p = 0; p < NPATHS; p++) {
            if (!on[p])
                continue;
            gp_layer *c = l[p];
            float *grad = c->params[0].grad;
            double t0 = gp_clock_seconds();
            c->ops->forward(c, in, x, y, scratch);
            double t1 = gp_clock_seconds();
            c->params[0].grad = NULL; /* the input gradient alone */
            c->ops->backward(c, in, x, y, dy, dx, scratch);
            double t2 = gp_clock_seconds();
            c->params[0].grad = grad; /* the weight gradient alone */
            c->ops->backward(c, in, x, y, dy, NULL, scratch);
            double t3 = gp_clock_seconds();
            if (r >= 0) {
                tm[p].t[0][r] = t1 - t0;
                tm[p].t[1][r] = t2 - t1;
                tm[p].t[2][r] = t3 - t2;
            }
        }
    const double flops = 2.0 * gp_shape_count(out) * s->cin * s->k * s->k;
    printf("%s %4d->%-4d %3dx%-3d x%-2d k%d (%6.1f MFLOP direct)\n", s->up ? "upconv2d" : "conv2d  ",
           s->cin, s->cout, out.h, out.w, s->n, s->k, flops / 1e6);
    for (int p = 0; p < NPATHS; p++) {
        if (!on[p])
            continue;
        printf("    %-7s%s", names[p], (gp_conv_path)p == chosen ? "*" : " ");
        const char *what[3] = { "fwd", "dx", "dW" };
        for (int k = 0; k < 3; k++) {
            double b = best(tm[p].t[k], reps), m = bench_median(tm[p].t[k], reps);
            printf("  %s %7.2f ms (med %7.2f)", what[k], 1e3 * b, 1e3 * m);
        }
        printf("\n");
    }
    for (int p = 0; p < NPATHS; p++)
        gp_layer_free(l[p]);
    free(x), free(dy), free(y), free(dx), free(scratch);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    if (reps < 1 || reps > MAX_REPS)
        reps = 15;
    printf("conv2d paths, best of %d interleaved reps (median); * = the path a prepared layer "
           "takes\n", reps);
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        bench_shape(&shapes[i], reps);
    return 0;
}
