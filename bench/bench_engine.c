/* bench_engine.c — how well the engine uses this CPU.
 *
 * Prints, from one run: OpenBLAS sgemm GFLOP/s on a large square
 * product; the engine's conv2d forward and backward GFLOP/s on
 * PGGAN-shaped layers and their ratio to that sgemm figure; and seconds
 * per multi-code inversion iteration (20 codes) on a PGGAN-256-shaped
 * generator with random weights.  bench/torch_iteration.py times the same
 * iteration in PyTorch; bench/run.sh runs both and prints the ratio.
 * Medians of several repetitions; nothing here is asserted.
 */
#include "ganprior.h"
#include "nn/layer_kinds.h"
#include "nn/net.h"
#include "testmodel.h"
#include "bench_common.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct conv_case {
    const char *what;
    int batch, cin, cout, size;
} conv_case;

static void bench_conv(const conv_case *cc, double peak)
{
    gp_layer *l = gp_conv2d_new(cc->cin, cc->cout, 3, 1, 1, true);
    gp_shape in = { cc->batch, cc->cin, cc->size, cc->size }, out;
    gp_layer_out_shape(l, in, &out);
    float *x = bench_random(gp_shape_count(in), 3), *y = malloc(gp_shape_count(out) * sizeof(float));
    float *dy = bench_random(gp_shape_count(out), 4), *dx = malloc(gp_shape_count(in) * sizeof(float));
    float *scratch = malloc(l->ops->scratch(l, in) * sizeof(float));
    double flops = 2.0 * cc->batch * cc->cout * (double)cc->cin * 9 * cc->size * cc->size;
    double tf[5], tb[5], tw[5];
    gp_layer_enable_grads(l, true);
    for (int rep = 0; rep < 5; rep++) {
        double t0 = gp_clock_seconds();
        l->ops->forward(l, in, x, y, scratch);
        double t1 = gp_clock_seconds();
        gp_layer_enable_grads(l, false); /* input gradient only: what inversion needs */
        l->ops->backward(l, in, x, y, dy, dx, scratch);
        double t2 = gp_clock_seconds();
        gp_layer_enable_grads(l, true); /* input and weight gradients: tuning */
        l->ops->backward(l, in, x, y, dy, dx, scratch);
        tf[rep] = t1 - t0;
        tb[rep] = t2 - t1;
        tw[rep] = gp_clock_seconds() - t2;
    }
    double gf = flops / bench_median(tf, 5) / 1e9, gb = flops / bench_median(tb, 5) / 1e9;
    double gw = 2.0 * flops / bench_median(tw, 5) / 1e9;
    printf("conv3x3 %-22s fwd %6.1f GFLOP/s (%3.0f%%)  bwd-input %6.1f (%3.0f%%)  bwd-input+weights %6.1f (%3.0f%%)\n",
           cc->what, gf, 100 * gf / peak, gb, 100 * gb / peak, gw, 100 * gw / peak);
    free(x);
    free(y);
    free(dy);
    free(dx);
    free(scratch);
    gp_layer_free(l);
}

typedef struct timing {
    double t1, tn;
    int n;
} timing;

static bool stamp(void *user, int it, int total, float loss)
{
    (void)total;
    (void)loss;
    timing *t = user;
    if (it == 1)
        t->t1 = gp_clock_seconds();
    t->tn = gp_clock_seconds();
    t->n = it;
    return true;
}

static void bench_iteration(int iterations)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pggan256.safetensors", testmodel_tmpdir());
    const int channels[7] = { 512, 512, 512, 512, 256, 128, 64 };
    if (!testmodel_write_pggan(path, 256, 512, channels, 1)) {
        printf("cannot write the PGGAN-256 benchmark model\n");
        return;
    }
    gp_model *m;
    gp_error err;
    if (gp_model_load(path, &m, &err) != GP_OK) {
        printf("load: %s\n", err.message);
        return;
    }
    gp_image target = { 0 }, out = { 0 };
    gp_model_sample(m, 5, &target, &err);
    gp_invert_params p;
    gp_invert_params_default(&p, GP_TASK_RECONSTRUCT);
    timing t = { 0 };
    p.composition.codes = 20;
    p.composition.split_block = 8;
    p.search.iterations = iterations;
    p.search.restarts = 0;
    p.search.plateau_window = 0;
    p.search.perceptual_weight = 0.0f;
    p.progress = stamp;
    p.progress_user = &t;
    if (gp_invert(m, &p, &target, NULL, &out, NULL, &err) != GP_OK)
        printf("invert: %s\n", err.message);
    else
        printf("engine: PGGAN-256, 20 codes, split at layer 8: %.3f s per iteration (median of %d)\n",
               (t.tn - t.t1) / (t.n - 1), t.n - 1);
    gp_image_release(&target);
    gp_image_release(&out);
    gp_model_free(m);
    remove(path);
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 6;
    double peak = bench_sgemm_gflops(2048);
    printf("OpenBLAS sgemm 2048x2048x2048: %.1f GFLOP/s (%d threads)\n", peak, openblas_get_num_threads());
    const conv_case cases[] = {
        { "512->512 16x16 x20", 20, 512, 512, 16 },
        { "512->512 32x32 x1", 1, 512, 512, 32 },
        { "256->256 64x64 x1", 1, 256, 256, 64 },
        { "128->128 128x128 x1", 1, 128, 128, 128 },
        { "64->64 256x256 x1", 1, 64, 64, 256 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bench_conv(&cases[i], peak);
    bench_iteration(iterations < 2 ? 2 : iterations);
    return 0;
}
