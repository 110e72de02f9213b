/* bench_model.c — the product's real work on the default model's shape.
 *
 *   bench_model [MODEL] [--tasks] [--schedules]
 *
 * MODEL is a generator file; without one, the default face model when it
 * is installed or on $GANPRIOR_MODEL_PATH, else a random PGGAN of its
 * shape (128 px, latent 256, widths 256,256,128,64,32,16).  Prints, from
 * one run:
 *   - OpenBLAS sgemm GFLOP/s, the yardstick of every rate below;
 *   - one multi-code iteration with the defaults (20 codes at the default
 *     split), split into G1 (the codes through the blocks before the
 *     split) forward and backward, G2 (composition and the rest)
 *     forward and backward, the perceptual network and Adam;
 *   - every convolution of the model at the batch it runs in an
 *     inversion (codes before the split, one image after), forward and
 *     input-gradient, in GFLOP/s and as a share of sgemm (an up-sampling
 *     convolution counted in the FLOPs of the 3x3 convolution it
 *     replaces);
 *   - with --tasks, seconds for each task with the defaults;
 *   - with --schedules, the cost of one iteration for candidate channel
 *     schedules, codes and splits (random weights).
 * Medians of repetitions; nothing is asserted.  bench/run-model.sh adds
 * the same iteration in PyTorch and the ratio.
 */
#include "ganprior.h"
#include "invert/compose.h"
#include "loss/perceptual.h"
#include "model/find.h"
#include "model/model.h"
#include "nn/adam.h"
#include "nn/layer_kinds.h"
#include "core/rng.h"
#include "testmodel.h"
#include "bench_common.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REPS = BENCH_REPS, CODES = 20 };

static const int default_channels[6] = { 256, 256, 128, 64, 32, 16 };

/* A random PGGAN of res px with these widths, loaded as users' files are. */
static gp_model *random_model(int res, const int *channels, uint64_t seed)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bench-model.safetensors", testmodel_tmpdir());
    gp_model *m = NULL;
    gp_error err;
    if (!testmodel_write_pggan(path, res, 256, channels, seed) ||
        gp_model_load(path, &m, &err) != GP_OK)
        m = NULL;
    remove(path);
    return m;
}

static gp_model *open_model(const char *arg)
{
    char path[4096];
    gp_model *m = NULL;
    gp_error err;
    if (arg || gp_model_find(GP_DEFAULT_MODEL, path, sizeof path, NULL) == GP_OK) {
        if (gp_model_load(arg ? arg : path, &m, &err) != GP_OK) {
            printf("%s\n", err.message);
            return NULL;
        }
        printf("model: %s (%dx%d, latent %d)\n", arg ? arg : path, m->info.width, m->info.height,
               m->info.latent_size);
        return m;
    }
    m = random_model(128, default_channels, 1);
    if (m)
        printf("model: random PGGAN of the default shape (128 px, latent 256, widths "
               "256,256,128,64,32,16; no " GP_DEFAULT_MODEL " found)\n");
    return m;
}

/* ---- FLOPs ------------------------------------------------------------- */

/* Direct-convolution FLOPs of layer l on input in (0 for other kinds). */
static double layer_flops(const gp_layer *l, gp_shape in, gp_shape out)
{
    const char *kind = l->ops->kind;
    const gp_param *w = &l->params[0];
    if (!strcmp(kind, "conv2d") || !strcmp(kind, "upconv2d"))
        return 2.0 * (double)gp_shape_count(out) * w->dims[1] * w->dims[2] * w->dims[3];
    if (!strcmp(kind, "dense"))
        return 2.0 * (double)w->dims[0] * w->dims[1] * in.n;
    if (!strcmp(kind, "conv_transpose2d"))
        return 2.0 * (double)gp_shape_count(in) * w->dims[1] * w->dims[2] * w->dims[3];
    return 0.0;
}

/* FLOPs of one iteration's forward and input-gradient passes through the
 * generator, codes wide before the split layer. */
static double iteration_flops(const gp_model *m, int split, int codes)
{
    double sum = 0.0;
    for (int i = 0; i < m->net->count; i++) {
        gp_shape in, out;
        gp_net_shape_at(m->net, i, i < split ? codes : 1, &in);
        m->net->layers[i]->ops->out_shape(m->net->layers[i], in, &out);
        sum += 2.0 * layer_flops(m->net->layers[i], in, out);
    }
    return sum;
}

/* ---- one iteration, part by part -------------------------------------- */

typedef struct parts {
    double g1_fwd, g2_fwd, perc, g2_bwd, g1_bwd, adam;
} parts;

static double parts_total(const parts *p)
{
    return p->g1_fwd + p->g2_fwd + p->perc + p->g2_bwd + p->g1_bwd + p->adam;
}

/* The composer's forward and backward include G1's; G1 alone is timed
 * on its own trace and subtracted. */
static void time_parts(gp_model *m, int split_block, int codes, gp_perceptual *perc, int reps,
                       parts *out)
{
    gp_composer k;
    const int split = gp_net_block_layer(m->net, split_block);
    const size_t npix = (size_t)3 * m->info.width * m->info.height;
    double t[6][16];
    if (split == 0 || !gp_composer_init(&k, m->net, split, codes))
        return;
    gp_adam az, aa;
    gp_adam_init(&az, (size_t)codes * k.latent);
    gp_adam_init(&aa, (size_t)codes * k.c);
    gp_rng rng;
    gp_rng_seed(&rng, 3);
    for (int n = 0; n < codes; n++)
        gp_model_draw_latent(m, &rng, k.z + (size_t)n * k.latent);
    float *gx = bench_random(npix, 4);
    gp_composer_forward(&k);
    gp_composer_backward(&k, gx); /* warm-up: every buffer written once */
    if (reps > 16)
        reps = 16;
    for (int r = 0; r < reps; r++) {
        double t0 = gp_clock_seconds();
        gp_trace_forward(k.g1);
        double t1 = gp_clock_seconds();
        const float *x = gp_composer_forward(&k);
        double t2 = gp_clock_seconds();
        if (perc)
            gp_perceptual_loss(perc, x, 0.5f, gx);
        double t3 = gp_clock_seconds();
        gp_trace_backward(k.g1, k.dfeat, k.dz);
        double t4 = gp_clock_seconds();
        gp_composer_backward(&k, gx);
        double t5 = gp_clock_seconds();
        gp_adam_step(&az, k.z, k.dz, 0.01f);
        gp_adam_step(&aa, k.alpha, k.dalpha, 0.0005f);
        double t6 = gp_clock_seconds();
        t[0][r] = t1 - t0;                 /* G1 forward */
        t[1][r] = (t2 - t1) - (t1 - t0);   /* composition + G2 forward */
        t[2][r] = t3 - t2;
        t[3][r] = (t5 - t4) - (t4 - t3);   /* G2 backward + composition */
        t[4][r] = t4 - t3;                 /* G1 backward */
        t[5][r] = t6 - t5;
    }
    *out = (parts){ bench_median(t[0], reps), bench_median(t[1], reps), bench_median(t[2], reps),
                    bench_median(t[3], reps), bench_median(t[4], reps), bench_median(t[5], reps) };
    free(gx);
    gp_adam_free(&az);
    gp_adam_free(&aa);
    gp_composer_free(&k);
}

static gp_perceptual *open_perceptual(const gp_model *m)
{
    char path[4096];
    gp_perceptual *p = NULL;
    const int h = m->info.height, w = m->info.width;
    if (gp_perceptual_find(NULL, path, sizeof path, NULL) != GP_OK ||
        gp_perceptual_load(path, &p, NULL) != GP_OK)
        return NULL;
    float *y = bench_random((size_t)3 * h * w, 9);
    if (gp_perceptual_set_target(p, y, h, w, m->info.range_min, m->info.range_max, NULL) != GP_OK) {
        gp_perceptual_free(p);
        p = NULL;
    }
    free(y);
    return p;
}

static void print_iteration(gp_model *m)
{
    gp_perceptual *perc = open_perceptual(m);
    const int split = gp_model_default_block(m);
    parts p = { 0 };
    time_parts(m, split, CODES, perc, 7, &p);
    gp_shape f;
    gp_net_shape_at(m->net, gp_net_block_layer(m->net, split), 1, &f);
    const double total = parts_total(&p);
    printf("\niteration, multi-code, %d codes composed at block %d (%dx%dx%d): %.3f s\n", CODES,
           split, f.c, f.h, f.w, total);
    const char *names[6] = { "G1 forward (codes before the split)", "G2 forward (composition + rest)",
                             perc ? "perceptual, forward + backward" : "perceptual (no SqueezeNet found)",
                             "G2 backward", "G1 backward", "Adam" };
    const double v[6] = { p.g1_fwd, p.g2_fwd, p.perc, p.g2_bwd, p.g1_bwd, p.adam };
    for (int i = 0; i < 6; i++)
        printf("  %-40s %7.4f s  %5.1f%%\n", names[i], v[i], 100.0 * v[i] / total);
    printf("engine iteration without the perceptual term: %.4f s (generator %.1f GFLOP)\n",
           total - p.perc, iteration_flops(m, gp_net_block_layer(m->net, split), CODES) / 1e9);
    gp_perceptual_free(perc);
}

/* ---- every convolution of the model ----------------------------------- */

/* l as a trace runs it: prepared for in (its faster path, if any). */
static void time_layer(gp_layer *l, gp_shape in, double *fwd, double *bwd)
{
    gp_shape out;
    l->ops->out_shape(l, in, &out);
    gp_layer_prepare(l, in);
    float *x = bench_random(gp_shape_count(in), 5), *y = malloc(gp_shape_count(out) * sizeof(float));
    float *dy = bench_random(gp_shape_count(out), 6), *dx = malloc(gp_shape_count(in) * sizeof(float));
    float *scratch = malloc((l->ops->scratch(l, in) + 1) * sizeof(float));
    double tf[REPS], tb[REPS];
    for (int r = 0; r < REPS; r++) {
        double t0 = gp_clock_seconds();
        l->ops->forward(l, in, x, y, scratch);
        double t1 = gp_clock_seconds();
        l->ops->backward(l, in, x, y, dy, dx, scratch);
        tf[r] = t1 - t0;
        tb[r] = gp_clock_seconds() - t1;
    }
    *fwd = bench_median(tf, REPS);
    *bwd = bench_median(tb, REPS);
    free(x);
    free(y);
    free(dy);
    free(dx);
    free(scratch);
}

static void print_layers(gp_model *m, double peak)
{
    const int split = gp_net_block_layer(m->net, gp_model_default_block(m));
    printf("\nconvolutions as an inversion runs them (%d codes before the split, 1 after):\n", CODES);
    double worst = 1e9;
    for (int i = 0; i < m->net->count; i++) {
        gp_layer *l = m->net->layers[i];
        gp_shape in, out;
        gp_net_shape_at(m->net, i, i < split ? CODES : 1, &in);
        l->ops->out_shape(l, in, &out);
        const double flops = layer_flops(l, in, out);
        if (flops == 0.0)
            continue;
        double tf, tb;
        time_layer(l, in, &tf, &tb);
        const double gf = flops / tf / 1e9, gb = flops / tb / 1e9;
        if (gf / peak < worst)
            worst = gf / peak;
        if (gb / peak < worst)
            worst = gb / peak;
        static const char *paths[] = { "", " pixel", " wino2", " wino4", "" };
        char kind[32];
        const bool up = !strcmp(l->ops->kind, "upconv2d");
        snprintf(kind, sizeof kind, "%s%s", l->ops->kind,
                 paths[up ? gp_upconv2d_path(l, in) : gp_conv2d_path(l, in)]);
        printf("  %2d %-16s %4d->%-4d %3dx%-3d x%-2d %7.1f MFLOP  fwd %6.1f GFLOP/s (%3.0f%%)  "
               "bwd-input %6.1f (%3.0f%%)\n", i, kind, in.c, out.c, out.h, out.w, in.n,
               flops / 1e6, gf, 100 * gf / peak, gb, 100 * gb / peak);
    }
    printf("lowest share of sgemm: %.0f%%\n", 100 * worst);
}

/* ---- each task with the defaults -------------------------------------- */

static void print_tasks(gp_model *m)
{
    const int w = m->info.width, h = m->info.height;
    const char *names[4] = { "reconstruct", "inpaint", "colorize", "superres x4" };
    const gp_task tasks[4] = { GP_TASK_RECONSTRUCT, GP_TASK_INPAINT, GP_TASK_COLORIZE, GP_TASK_SUPERRES };
    gp_image sample = { 0 }, mask = { 0 }, low = { 0 };
    gp_error err;
    if (gp_model_sample(m, 11, &sample, &err) != GP_OK || gp_image_alloc(&mask, w, h, 1) != GP_OK ||
        gp_image_alloc(&low, w / 4, h / 4, 3) != GP_OK)
        return;
    for (int y = 0; y < h; y++) /* centre hole, a quarter of each side */
        for (int x = 0; x < w; x++)
            mask.data[y * w + x] = abs(2 * x - w) < w / 4 && abs(2 * y - h) < h / 4;
    for (int y = 0; y < h / 4; y++) /* 4x4 box average */
        for (int x = 0; x < w / 4; x++)
            for (int c = 0; c < 3; c++) {
                float s = 0;
                for (int i = 0; i < 16; i++)
                    s += sample.data[((4 * y + i / 4) * w + 4 * x + i % 4) * 3 + c];
                low.data[(y * (w / 4) + x) * 3 + c] = s / 16;
            }
    printf("\neach task with the defaults (gp_invert_params_default; plateau stop on):\n");
    for (int t = 0; t < 4; t++) {
        gp_invert_params p;
        gp_invert_params_default(&p, tasks[t]);
        gp_image out = { 0 };
        gp_invert_report rep;
        if (gp_invert(m, &p, tasks[t] == GP_TASK_SUPERRES ? &low : &sample,
                      tasks[t] == GP_TASK_INPAINT ? &mask : NULL, &out, &rep, &err) != GP_OK) {
            printf("  %-12s %s\n", names[t], err.message);
            continue;
        }
        printf("  %-12s %6.2f s  %3d of %d iterations, %d codes, step %.2g, %d restarts%s\n", names[t],
               rep.seconds, rep.iterations, p.search.iterations, p.composition.codes,
               p.search.learning_rate, p.search.restarts, rep.perceptual ? ", perceptual on" : "");
        gp_image_release(&out);
    }
    gp_image_release(&sample);
    gp_image_release(&mask);
    gp_image_release(&low);
}

/* ---- candidate shapes for the default model ---------------------------- */

static void print_schedules(void)
{
    static const int schedules[][6] = {
        { 256, 256, 128, 64, 32, 16 },
        { 256, 128, 128, 64, 32, 16 },
        { 128, 128, 128, 64, 32, 16 },
        { 256, 256, 256, 128, 64, 32 },
    };
    static const int codes[] = { 20, 10 };
    printf("\none iteration (no perceptual term) by channel schedule, codes and split, random "
           "weights:\n");
    for (size_t s = 0; s < sizeof schedules / sizeof schedules[0]; s++) {
        gp_model *m = random_model(128, schedules[s], 2);
        if (!m)
            continue;
        const int *c = schedules[s];
        static const int splits[] = { 2, 4, 6 }; /* the 4, 8 and 16 px maps */
        for (size_t b = 0; b < sizeof splits / sizeof splits[0]; b++)
            for (size_t n = 0; n < sizeof codes / sizeof codes[0]; n++) {
                parts p = { 0 };
                const int block = splits[b];
                time_parts(m, block, codes[n], NULL, 3, &p);
                gp_shape f;
                gp_net_shape_at(m->net, gp_net_block_layer(m->net, block), 1, &f);
                const double gflop =
                    iteration_flops(m, gp_net_block_layer(m->net, block), codes[n]) / 1e9;
                printf("  %3d,%3d,%3d,%2d,%2d,%2d  %2d codes at %2d px: %5.1f GFLOP  %.3f s "
                       "(G1 %.3f)\n", c[0], c[1], c[2], c[3], c[4], c[5], codes[n], f.h, gflop,
                       parts_total(&p), p.g1_fwd + p.g1_bwd);
            }
        gp_model_free(m);
    }
}

int main(int argc, char **argv)
{
    const char *model = NULL;
    bool tasks = false, schedules = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tasks"))
            tasks = true;
        else if (!strcmp(argv[i], "--schedules"))
            schedules = true;
        else
            model = argv[i];
    }
    const double peak = bench_sgemm_gflops(2048);
    printf("OpenBLAS sgemm 2048x2048x2048: %.1f GFLOP/s (%d threads)\n", peak,
           openblas_get_num_threads());
    gp_model *m = open_model(model);
    if (!m)
        return 1;
    print_iteration(m);
    print_layers(m, peak);
    if (tasks)
        print_tasks(m);
    gp_model_free(m);
    if (schedules)
        print_schedules();
    return 0;
}
