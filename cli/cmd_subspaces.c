/* cmd_subspaces.c — `ganprior subspaces`: learns a model's channel
 * subspaces (PmSFC, Li et al., AAAI 2021) and writes the sidecar file
 * the subspace method and `ganprior swap` read.  Prints one JSON line:
 * the file, block, channels, K, each subspace's size and the training
 * figures. */
#include "cli.h"
#include "png_io.h"
#include "progress.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const arg_choice sparsities[] = {
    { "l1", GP_SPARSITY_L1 },
    { "l2", GP_SPARSITY_L2 },
    { NULL, 0 },
};

typedef struct subspaces_job {
    const char *model, *output;
    int sparsity; /* a gp_sparsity, as the choice parser stores it */
    gp_subspace_params p;
} subspaces_job;

static void print_report(const char *path, const gp_subspaces_info *si)
{
    printf("{\"file\":\"%s\",\"model\":\"%s\",\"layer\":%d,\"channels\":%d,\"subspaces\":%d,\"sizes\":[",
           path, si->model, si->split_block, si->channels, si->subspaces);
    for (int k = 0; k < si->subspaces; k++) {
        int n = 0;
        for (int c = 0; c < si->channels; c++)
            n += si->labels[c] == k;
        printf(k ? ",%d" : "%d", n);
    }
    printf("],\"steps\":%d,\"feature_loss\":%.6g,\"feature_energy\":%.6g,\"output_loss\":%.6g,"
           "\"seconds\":%.3f}\n", si->steps, si->feature_loss, si->feature_energy, si->output_loss,
           si->seconds);
    fflush(stdout);
}

/* Where the file goes: --output, or next to the model. */
static gp_status destination(const subspaces_job *j, const gp_model *m, char *out, size_t size,
                             gp_error *err)
{
    if (!j->output)
        return gp_subspaces_path(m, out, size, err);
    snprintf(out, size, "%s", j->output);
    return GP_OK;
}

static gp_status learn(subspaces_job *j, gp_model *m, gp_subspaces **s, gp_error *err)
{
    progress bar;
    progress_start(&bar, "subspaces");
    j->p.progress = cli_progress;
    j->p.progress_user = &bar;
    cli_catch_sigint();
    gp_status st = gp_subspaces_learn(m, &j->p, s, err);
    progress_finish(&bar);
    if (cli_interrupted() && (st == GP_OK || st == GP_ERR_CANCELLED))
        st = gp_fail(err, GP_ERR_CANCELLED, "cancelled; nothing written");
    return st;
}

/* Learns, then writes; the output place is checked before the work. */
static int run(subspaces_job *j, const arg_command *cmd)
{
    gp_error err = { 0 };
    gp_model *m = NULL;
    gp_subspaces *s = NULL;
    char path[PATH_MAX], out[PATH_MAX];
    gp_status st = cli_open_model(j->model, path, sizeof path, &m, &err);
    if (st != GP_OK)
        return cli_report(&err);
    const gp_model_info *in = gp_model_get_info(m);
    const int block = j->p.split_block > 0 ? j->p.split_block : gp_model_default_block(m);
    int usage = 0;
    if (block >= in->blocks)
        usage = args_usage_error(cmd, "--layer %d is not a split point of %s (1..%d)", block, in->name,
                                 in->blocks - 1);
    else if (j->p.subspaces > gp_model_block_channels(m, block))
        usage = args_usage_error(cmd, "--k %d is more than the %d channels at block %d of %s",
                                 j->p.subspaces, gp_model_block_channels(m, block), block, in->name);
    if (!usage) {
        st = destination(j, m, out, sizeof out, &err);
        if (st == GP_OK)
            st = cli_png_check_writable(out, &err);
        if (st == GP_OK)
            st = learn(j, m, &s, &err);
        if (st == GP_OK)
            st = gp_subspaces_save(s, out, &err);
        if (st == GP_OK)
            print_report(out, gp_subspaces_get_info(s));
    }
    gp_subspaces_free(s);
    gp_model_free(m);
    return usage ? usage : st == GP_OK ? 0 : cli_report(&err);
}

int cmd_subspaces(int argc, char **argv)
{
    subspaces_job j = { .model = GP_DEFAULT_MODEL };
    gp_subspace_params_default(&j.p);
    j.sparsity = (int)j.p.sparsity;
    const arg_opt opts[] = {
        cli_model_option(&j.model),
        { .name = "layer", .kind = ARG_INT, .value = &j.p.split_block, .min = 1, .max = 64,
          .metavar = "L", .help = "learn at the input of this block (see 'ganprior info')",
          .default_text = "default: the split the inversion uses" },
        { .name = "k", .kind = ARG_INT, .value = &j.p.subspaces, .min = 1, .max = 4096,
          .metavar = "K", .help = "number of subspaces (at most the channels at the layer)" },
        { .name = "steps", .kind = ARG_INT, .value = &j.p.steps, .min = 1, .max = 1000000,
          .metavar = "N", .help = "Adam steps on the coefficient matrix" },
        { .name = "batch", .kind = ARG_INT, .value = &j.p.batch, .min = 1, .max = 1024,
          .metavar = "B", .help = "generator samples per step" },
        { .name = "lr", .kind = ARG_FLOAT, .value = &j.p.learning_rate, .min = 1e-7, .max = 10,
          .metavar = "X", .help = "initial Adam step" },
        { .name = "output-weight", .kind = ARG_FLOAT, .value = &j.p.output_weight, .min = 0,
          .max = 1e6, .metavar = "W", .help = "weight of the generated-image term" },
        { .name = "sparsity", .kind = ARG_CHOICE, .value = &j.sparsity, .choices = sparsities,
          .help = "sparsity norm of the coefficients" },
        { .name = "sparsity-weight", .kind = ARG_FLOAT, .value = &j.p.sparsity_weight, .min = 0,
          .max = 1e6, .metavar = "W", .help = "weight of the sparsity term" },
        { .name = "keep", .kind = ARG_FLOAT, .value = &j.p.keep, .min = 1e-4, .max = 1,
          .metavar = "F", .help = "affinity: per channel, its largest coefficients up to this fraction of their sum" },
        { .name = "seed", .short_name = 's', .kind = ARG_U64, .value = &j.p.seed, .metavar = "S",
          .help = "seed of the samples and the clustering" },
        { .name = "output", .short_name = 'o', .kind = ARG_STRING, .value = &j.output,
          .metavar = "FILE", .help = "where to write the subspaces",
          .default_text = "default: MODEL.subspaces.safetensors next to the model" },
    };
    const arg_command cmd = {
        .name = "subspaces", .synopsis = "[--model MODEL] [--layer L] [--k K] [options]",
        .summary = "Learns which channels of the generator's feature at a layer span common\n"
                   "subspaces (PmSFC: a self-expressive coefficient matrix learnt on random\n"
                   "samples, then spectral clustering) and writes them where '--method\n"
                   "subspace' and 'ganprior swap' find them.  The same seed gives the same file.",
        .opts = opts, .nopts = sizeof opts / sizeof opts[0],
    };
    arg_result r = args_parse(&cmd, argc, argv);
    if (r != ARGS_OK)
        return r;
    j.p.sparsity = (gp_sparsity)j.sparsity;
    return run(&j, &cmd);
}
