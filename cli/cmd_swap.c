/* cmd_swap.c — `ganprior swap`: inverts two pictures with the subspace
 * method and exchanges one channel subspace between them (PmSFC, Li et
 * al., AAAI 2021, semantic manipulation), writing both results.  Prints
 * one JSON line: the subspace, how many channels it holds, the seconds. */
#include "bridge.h"
#include "cli.h"
#include "picture.h"
#include "progress.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

typedef struct swap_job {
    const char *model, *input[2], *output[2], *subspaces;
    int subspace;
    gp_invert_params p;
    gp_model *m;
    gp_subspaces *sub;
    gp_image picture[2], out[2];
    gpb_target target[2];
} swap_job;

static void job_free(swap_job *j)
{
    for (int i = 0; i < 2; i++) {
        gp_image_release(&j->picture[i]);
        gpb_target_release(&j->target[i]);
        gp_image_release(&j->out[i]);
    }
    gp_subspaces_free(j->sub);
    gp_model_free(j->m);
}

/* Both pictures read and both outputs checked before the model loads. */
static gp_status read_inputs(swap_job *j, gp_error *err)
{
    gp_status s = GP_OK;
    for (int i = 0; i < 2 && s == GP_OK; i++)
        s = cli_picture_read(j->input[i], 3, &j->picture[i], err);
    for (int i = 0; i < 2 && s == GP_OK; i++)
        s = cli_picture_check_writable(j->output[i], err);
    if (s == GP_OK && !strcmp(j->output[0], j->output[1]))
        s = gp_fail(err, GP_ERR_ARGUMENT, "--output-a and --output-b are the same file %s", j->output[0]);
    return s;
}

/* The subspaces (--subspaces or the sidecar) and the targets at model size. */
static gp_status prepare(swap_job *j, gp_error *err)
{
    char path[PATH_MAX];
    gp_status s = GP_OK;
    if (j->subspaces)
        snprintf(path, sizeof path, "%s", j->subspaces);
    else
        s = gp_subspaces_path(j->m, path, sizeof path, err);
    if (s == GP_OK && (s = gp_subspaces_load(j->m, path, &j->sub, err)) != GP_OK)
        return s == GP_ERR_IO && !j->subspaces
                   ? gp_fail(err, s, "%s (learn the model's subspaces first: ganprior subspaces --model %s)",
                              err->message, j->model)
                   : s;
    const gp_model_info *in = gp_model_get_info(j->m);
    for (int i = 0; i < 2 && s == GP_OK; i++)
        s = gpb_target_prepare(in, &j->p, &j->picture[i], NULL, gp_image_resample, &j->target[i],
                               err);
    j->p.subspace.subspaces = j->sub;
    return s;
}

static gp_status run_engine(swap_job *j, gp_error *err)
{
    progress bar;
    progress_start(&bar, "swap");
    j->p.progress = cli_progress;
    j->p.progress_user = &bar;
    gp_status s = gp_subspace_swap(j->m, &j->p, &j->target[0].image, &j->target[1].image, NULL,
                                   j->subspace, &j->out[0], &j->out[1], err);
    progress_finish(&bar);
    if (cli_interrupted() && (s == GP_OK || s == GP_ERR_CANCELLED))
        s = gp_fail(err, GP_ERR_CANCELLED, "cancelled; nothing written");
    return s;
}

static int run(swap_job *j, const arg_command *cmd)
{
    gp_error err = { 0 };
    char path[PATH_MAX];
    const double t0 = gp_clock_seconds();
    cli_catch_sigint();
    gp_status s = read_inputs(j, &err);
    if (s == GP_OK)
        s = cli_open_model(j->model, path, sizeof path, &j->m, &err);
    if (s == GP_OK)
        s = prepare(j, &err);
    if (s != GP_OK)
        return cli_report(&err);
    const gp_subspaces_info *si = gp_subspaces_get_info(j->sub);
    if (j->subspace >= si->subspaces)
        return args_usage_error(cmd, "--subspace %d: the model has subspaces 0..%d", j->subspace,
                                si->subspaces - 1);
    s = run_engine(j, &err);
    for (int i = 0; i < 2 && s == GP_OK; i++)
        s = cli_picture_write(j->output[i], &j->out[i], &err);
    if (s != GP_OK)
        return cli_report(&err);
    int n = 0;
    for (int c = 0; c < si->channels; c++)
        n += si->labels[c] == j->subspace;
    printf("{\"subspace\":%d,\"channels\":%d,\"seconds\":%.3f}\n", j->subspace, n,
           gp_clock_seconds() - t0);
    fflush(stdout);
    return 0;
}

int cmd_swap(int argc, char **argv)
{
    swap_job j = { .model = GP_DEFAULT_MODEL };
    gp_invert_params_default(&j.p, GP_TASK_RECONSTRUCT);
    j.p.method = GP_METHOD_SUBSPACE;
    const arg_opt opts[] = {
        cli_model_option(&j.model),
        { .name = "input-a", .short_name = 'a', .kind = ARG_STRING, .value = &j.input[0],
          .required = true, .metavar = "A.png", .help = "the first picture" },
        { .name = "input-b", .short_name = 'b', .kind = ARG_STRING, .value = &j.input[1],
          .required = true, .metavar = "B.png", .help = "the second picture" },
        { .name = "subspace", .short_name = 'k', .kind = ARG_INT, .value = &j.subspace, .min = 0,
          .max = 4095, .required = true, .metavar = "J",
          .help = "the subspace to exchange, 0..K-1 (see 'ganprior subspaces')" },
        { .name = "output-a", .kind = ARG_STRING, .value = &j.output[0], .required = true,
          .metavar = "OUT_A.png", .help = "A with B's subspace J" },
        { .name = "output-b", .kind = ARG_STRING, .value = &j.output[1], .required = true,
          .metavar = "OUT_B.png", .help = "B with A's subspace J" },
        { .name = "subspaces", .kind = ARG_STRING, .value = &j.subspaces, .metavar = "FILE",
          .help = "the file 'ganprior subspaces' wrote",
          .default_text = "default: MODEL.subspaces.safetensors next to the model" },
        { .name = "per-subspace", .kind = ARG_INT, .value = &j.p.subspace.codes_per_subspace,
          .min = 1, .max = 64, .metavar = "P", .help = "codes per subspace" },
        { .name = "iterations", .kind = ARG_INT, .value = &j.p.search.iterations, .min = 1,
          .max = 1000000, .metavar = "N", .help = "maximum optimiser steps per picture" },
        { .name = "seed", .short_name = 's', .kind = ARG_U64, .value = &j.p.search.seed,
          .metavar = "S", .help = "seed of the random starts" },
        { .name = "lr", .kind = ARG_FLOAT, .value = &j.p.search.learning_rate, .min = 1e-6,
          .max = 100, .metavar = "X", .help = "initial Adam step" },
        { .name = "perceptual", .kind = ARG_FLOAT, .value = &j.p.search.perceptual_weight, .min = 0,
          .max = 1000, .metavar = "W", .help = "weight of the perceptual (feature) loss" },
        { .name = "restarts", .kind = ARG_INT, .value = &j.p.search.restarts, .min = 0,
          .max = 10000, .metavar = "K", .help = "extra random starts scored, the best one optimised" },
    };
    const arg_command cmd = {
        .name = "swap",
        .synopsis = "-a A.png -b B.png --subspace J --output-a OUT_A.png --output-b OUT_B.png [options]",
        .summary = "Reconstructs A and B (resized to the model size) with the subspace method,\n"
                   "then exchanges the features of channel subspace J between the two and\n"
                   "writes both generated images: A with B's subspace J, and B with A's.",
        .opts = opts, .nopts = sizeof opts / sizeof opts[0],
    };
    arg_result r = args_parse(&cmd, argc, argv);
    int status = r != ARGS_OK ? (int)r : run(&j, &cmd);
    job_free(&j);
    return status;
}
