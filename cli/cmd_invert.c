/* cmd_invert.c — `ganprior reconstruct | inpaint | colorize | superres`.
 *
 * Reads the picture (and the mask), brings it to the model's terms
 * (resized to the model size, or to model size / factor for superres;
 * the mask thresholded), runs gp_invert with a progress bar and Ctrl-C
 * as cancel, writes the generator's model-size image, and prints one
 * JSON line: method, task, iterations, tune_steps, adversarial (whether
 * the tuning used a discriminator), seconds, loss and the PSNR of the
 * result against the target in the task's own terms.
 * With --full the bridge merges the result into the picture at its own
 * resolution instead (full.c), and the PSNR is taken at that size; with
 * --faces as well, the task runs on each face found, in the model's frame,
 * and the report adds "faces", how many were restored.
 */
#include "bridge.h"
#include "cli.h"
#include "full.h"
#include "picture.h"
#include "png_io.h"
#include "progress.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Smaller pictures hold too little to fit a model to (the bridge's own
 * minimum for a region). */
enum { CLI_MIN_SIDE = 4 };

typedef struct task_def {
    const char *name;
    gp_task task;
    const char *synopsis, *summary;
} task_def;

static const task_def tasks[] = {
    { "reconstruct", GP_TASK_RECONSTRUCT, "-i IN.png -o OUT.png [options]",
      "Finds latent codes whose generated image matches IN (resized to the model\n"
      "size) and writes that image.  psnr: against IN at model size." },
    { "inpaint", GP_TASK_INPAINT, "-i IN.png --mask MASK.png -o OUT.png [options]",
      "Fills the holes of IN: only pixels where MASK is black after resizing to the\n"
      "model size constrain the codes; white is the hole, and every model pixel the\n"
      "white touches is in it.  MASK must have IN's aspect ratio.  Writes the whole\n"
      "generated image.\n"
      "psnr: over the known pixels (with --full, which keeps them exactly: the "
      "model's fit to them at its size)." },
    { "colorize", GP_TASK_COLORIZE, "-i IN.png -o OUT.png [options]",
      "Colours IN: the codes are fitted to its gray (Rec. 601 luma) only, so the\n"
      "colours come from the model.  psnr: luma of the result against IN's." },
    { "superres", GP_TASK_SUPERRES, "-i LOW.png --factor F -o OUT.png [options]",
      "Enlarges LOW (resized to the model size / F if it is not already) to the\n"
      "model size: the codes are fitted so that the result, averaged over F x F\n"
      "blocks, matches LOW.  psnr: that F x F average against LOW." },
};

/* The --method words; a new method is one line here. */
static const arg_choice methods[] = {
    { "single", GP_METHOD_SINGLE },
    { "multicode", GP_METHOD_MULTICODE },
    { "subspace", GP_METHOD_SUBSPACE },
    { "indomain", GP_METHOD_INDOMAIN },
    { NULL, 0 },
};

static const arg_choice starts[] = {
    { "random", GP_START_RANDOM },
    { "encoder", GP_START_ENCODER },
    { NULL, 0 },
};

typedef struct invert_job {
    const task_def *def;
    const char *model, *input, *mask_path, *output, *subspaces;
    int method; /* a gp_method, as the choice parser stores it */
    int start;  /* a gp_start */
    gp_invert_params p;
    gp_model *m;
    gp_subspaces *sub; /* --subspaces, loaded */
    bool full;         /* --full */
    bool faces;        /* --faces (with --full only) */
    int faces_done;    /* --faces: how many faces were restored */
    double full_psnr;  /* --full: the report's PSNR, full.c's */
    gp_image picture, mask, out; /* --full: picture's pixels move to out */
    gpb_target target; /* model-size mode: the picture in the model's terms */
    gp_invert_report report;
} invert_job;

static const task_def *find_task(const char *name)
{
    for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++)
        if (!strcmp(tasks[i].name, name))
            return &tasks[i];
    return NULL;
}

static const char *method_name(int method)
{
    for (const arg_choice *c = methods; c->name; c++)
        if (c->value == method)
            return c->name;
    return "unknown";
}

/* Fills opts with this task's options; returns how many. */
static int task_options(invert_job *j, arg_opt *opts)
{
    int n = 0;
    opts[n++] = cli_model_option(&j->model);
    opts[n++] = (arg_opt){ .name = "input", .short_name = 'i', .kind = ARG_STRING,
                           .value = &j->input, .required = true, .metavar = "IN.png",
                           .help = "the picture (PNG of any bit depth or colour type; JPEG, TIFF or WebP)" };
    if (j->def->task == GP_TASK_INPAINT)
        opts[n++] = (arg_opt){ .name = "mask", .kind = ARG_STRING, .value = &j->mask_path,
                               .required = true, .metavar = "MASK.png",
                               .help = "white where the picture is missing" };
    if (j->def->task == GP_TASK_SUPERRES)
        opts[n++] = (arg_opt){ .name = "factor", .kind = ARG_INT, .value = &j->p.superres_factor,
                               .min = 2, .max = 16, .metavar = "F",
                               .help = "how many times smaller LOW is than the model" };
    opts[n++] = (arg_opt){ .name = "output", .short_name = 'o', .kind = ARG_STRING,
                           .value = &j->output, .required = true, .metavar = "OUT.png",
                           .help = "where to write the result (8-bit RGB; JPEG, TIFF or WebP by "
                                   "the extension, else PNG; model size, with --full the "
                                   "picture's)" };
    opts[n++] = (arg_opt){ .name = "method", .kind = ARG_CHOICE, .value = &j->method,
                           .choices = methods,
                           .help = "one code, several composed, codes per channel subspace "
                                   "(needs 'ganprior subspaces' first), or one code kept in the "
                                   "encoder's domain (needs the model's encoder)" };
    opts[n++] = (arg_opt){ .name = "init", .kind = ARG_CHOICE, .value = &j->start, .choices = starts,
                           .help = "start at the best of several random codes, or at the model's "
                                   "encoder (indomain always does)" };
    opts[n++] = (arg_opt){ .name = "domain-weight", .kind = ARG_FLOAT,
                           .value = &j->p.indomain.domain_weight, .min = 0, .max = 1000,
                           .metavar = "W", .help = "indomain: weight of staying in the encoder's "
                                                   "domain" };
    opts[n++] = (arg_opt){ .name = "encoder", .kind = ARG_STRING, .value = &j->p.files.encoder,
                           .metavar = "FILE", .help = "the encoder of indomain and --init encoder",
                           .default_text = "default: MODEL-encoder.safetensors next to the model" };
    opts[n++] = (arg_opt){ .name = "codes", .kind = ARG_INT, .value = &j->p.composition.codes,
                           .min = 1, .max = 1024, .metavar = "N",
                           .help = "multicode: number of codes" };
    opts[n++] = (arg_opt){ .name = "layer", .kind = ARG_INT, .value = &j->p.composition.split_block,
                           .min = 1, .max = 64, .metavar = "L",
                           .help = "multicode: compose at this block (see 'ganprior info'); subspace: "
                                   "the block the subspaces were learnt at",
                           .default_text = "default: chosen for the model" };
    opts[n++] = (arg_opt){ .name = "per-subspace", .kind = ARG_INT,
                           .value = &j->p.subspace.codes_per_subspace, .min = 1, .max = 64,
                           .metavar = "P", .help = "subspace: codes per subspace" };
    opts[n++] = (arg_opt){ .name = "subspaces", .kind = ARG_STRING, .value = &j->subspaces,
                           .metavar = "FILE", .help = "subspace: the file 'ganprior subspaces' wrote",
                           .default_text = "default: MODEL.subspaces.safetensors next to the model" };
    opts[n++] = (arg_opt){ .name = "iterations", .kind = ARG_INT, .value = &j->p.search.iterations,
                           .min = 1, .max = 1000000, .metavar = "N",
                           .help = "maximum optimiser steps" };
    opts[n++] = (arg_opt){ .name = "plateau", .kind = ARG_INT, .value = &j->p.search.plateau_window,
                           .min = 0, .max = 1000000, .metavar = "N",
                           .help = "stop early once the loss stalls for N steps (0: never)" };
    opts[n++] = (arg_opt){ .name = "seed", .short_name = 's', .kind = ARG_U64,
                           .value = &j->p.search.seed, .metavar = "S",
                           .help = "seed of the random starts" };
    opts[n++] = (arg_opt){ .name = "lr", .kind = ARG_FLOAT, .value = &j->p.search.learning_rate,
                           .min = 1e-6, .max = 100, .metavar = "X", .help = "initial Adam step" };
    opts[n++] = (arg_opt){ .name = "perceptual", .kind = ARG_FLOAT,
                           .value = &j->p.search.perceptual_weight, .min = 0, .max = 1000,
                           .metavar = "W", .help = "weight of the perceptual (feature) loss" };
    opts[n++] = (arg_opt){ .name = "restarts", .kind = ARG_INT, .value = &j->p.search.restarts,
                           .min = 0, .max = 10000, .metavar = "K",
                           .help = "extra random starts scored, the best one optimised" };
    opts[n++] = (arg_opt){ .name = "tune", .kind = ARG_INT, .value = &j->p.tune.steps, .min = 0,
                           .max = 1000000, .metavar = "N",
                           .help = "then tune the generator's weights N steps on the same loss "
                                   "(PTI; the model file is never changed)" };
    opts[n++] = (arg_opt){ .name = "tune-all", .kind = ARG_FLAG, .value = &j->p.tune.all,
                           .help = "tune every layer, not only those after the split" };
    opts[n++] = (arg_opt){ .name = "tune-lr", .kind = ARG_FLOAT, .value = &j->p.tune.learning_rate,
                           .min = 1e-7, .max = 1, .metavar = "X",
                           .help = "initial tuning step, relative to each weight tensor's scale" };
    opts[n++] = (arg_opt){ .name = "full", .kind = ARG_FLAG, .value = &j->full,
                           .help = "merge into the picture at its own size, as the GIMP plug-in "
                                   "does (inpaint: only the mask's pixels change; colorize: "
                                   "the picture's lightness; superres: F x the picture)" };
    opts[n++] = (arg_opt){ .name = "faces", .kind = ARG_FLAG, .value = &j->faces,
                           .help = "with --full: run on each face found in the picture, "
                                   "aligned to the model's frame, and blend it back (colorize: "
                                   "neutral colour outside the faces; inpaint: the mask's "
                                   "pixels on faces)" };
    opts[n++] = (arg_opt){ .name = "tune-locality", .kind = ARG_FLOAT,
                           .value = &j->p.tune.locality_weight, .min = 0, .max = 1000,
                           .metavar = "W",
                           .help = "weight of keeping nearby codes' images as they were" };
    opts[n++] = (arg_opt){ .name = "tune-adv", .kind = ARG_FLOAT,
                           .value = &j->p.tune.adversarial_weight, .min = 0, .max = 1000,
                           .metavar = "W",
                           .help = "weight of the discriminator's adversarial term over the whole "
                                   "image while tuning" };
    opts[n++] = (arg_opt){ .name = "tune-adv-local", .kind = ARG_FLOAT,
                           .value = &j->p.tune.adversarial_local_weight, .min = 0, .max = 1000,
                           .metavar = "W",
                           .help = "weight of the discriminator's adversarial term over the hole "
                                   "(inpaint; the whole image for the other tasks)" };
    opts[n++] = (arg_opt){ .name = "disc", .kind = ARG_STRING, .value = &j->p.files.discriminator,
                           .metavar = "FILE",
                           .help = "the discriminator of the adversarial terms (a missing or "
                                   "broken file is an error)",
                           .default_text = "default: MODEL-disc.safetensors next to the model, "
                                           "when it is there" };
    return n;
}

static arg_result parse(invert_job *j, int argc, char **argv)
{
    arg_opt opts[32]; /* task_options fills at most 27 */
    const arg_command cmd = { .name = j->def->name, .synopsis = j->def->synopsis,
                              .summary = j->def->summary, .opts = opts,
                              .nopts = task_options(j, opts) };
    arg_result r = args_parse(&cmd, argc, argv);
    j->p.method = (gp_method)j->method;
    j->p.search.start = (gp_start)j->start;
    return r;
}

/* Options whose valid range depends on the model; usage errors. */
static int check_against_model(const invert_job *j)
{
    const gp_model_info *in = gp_model_get_info(j->m);
    const arg_command cmd = { .name = j->def->name };
    /* Without --layer, split_block is the engine's "automatic" (< 1). */
    if (j->p.method != GP_METHOD_SINGLE && j->p.composition.split_block >= in->blocks)
        return args_usage_error(&cmd, "--layer %d is not a split point of %s (1..%d)",
                                j->p.composition.split_block, in->name, in->blocks - 1);
    const int f = j->p.superres_factor;
    if (j->def->task == GP_TASK_SUPERRES && !gpb_factor_fits(in, f))
        return args_usage_error(&cmd, "--factor %d does not divide the model size %dx%d", f,
                                in->width, in->height);
    return 0;
}

static bool same_aspect(int w1, int h1, int w2, int h2)
{
    return fabs((double)w1 * h2 - (double)w2 * h1) <= 0.01 * (double)w1 * h2;
}

/* How many pixels of the mask are (partly) hole. */
static size_t hole_pixels(const gp_image *mask)
{
    const size_t n = (size_t)mask->width * mask->height;
    size_t holes = 0;
    for (size_t i = 0; i < n; i++)
        holes += mask->data[i] > 0.0f;
    return holes;
}

/* What the mask leaves to do: something, but not everything. */
static gp_status check_mask(const invert_job *j, gp_error *err)
{
    const size_t holes = hole_pixels(&j->mask);
    if (holes == 0)
        return gp_fail(err, GP_ERR_ARGUMENT, "mask %s is black everywhere: there is no hole to fill",
                       j->mask_path);
    if (holes == (size_t)j->mask.width * j->mask.height)
        return gp_fail(err, GP_ERR_ARGUMENT, "mask %s is white everywhere: nothing of %s is left "
                       "to fill the hole from", j->mask_path, j->input);
    return GP_OK;
}

/* --full super-resolution writes the picture enlarged: within the
 * bridge's largest side. */
static gp_status check_enlargement(const invert_job *j, gp_error *err)
{
    const int f = j->p.superres_factor, w = j->picture.width, h = j->picture.height;
    if (!j->full || j->def->task != GP_TASK_SUPERRES || (long)(w > h ? w : h) * f <= GPB_MAX_SIDE)
        return GP_OK;
    return gp_fail(err, GP_ERR_ARGUMENT, "%s enlarged %d times would be %ldx%ld pixels, more than "
                   "%d a side: use a smaller --factor or a smaller picture", j->input, f,
                   (long)w * f, (long)h * f, GPB_MAX_SIDE);
}

/* Reads the picture and the mask, and refuses (in the command line's
 * words, the same with and without --full) what there is nothing to do
 * with. */
static gp_status read_inputs(invert_job *j, gp_error *err)
{
    gp_status s = cli_picture_read(j->input, 3, &j->picture, err);
    if (s == GP_OK && (j->picture.width < CLI_MIN_SIDE || j->picture.height < CLI_MIN_SIDE))
        s = gp_fail(err, GP_ERR_ARGUMENT, "%s is only %dx%d pixels; a picture needs at least %dx%d",
                    j->input, j->picture.width, j->picture.height, CLI_MIN_SIDE, CLI_MIN_SIDE);
    if (s == GP_OK)
        s = check_enlargement(j, err);
    if (s != GP_OK || !j->mask_path)
        return s;
    s = cli_picture_read(j->mask_path, 1, &j->mask, err);
    if (s == GP_OK && !same_aspect(j->mask.width, j->mask.height, j->picture.width,
                                   j->picture.height))
        s = gp_fail(err, GP_ERR_ARGUMENT, "mask %s is %dx%d, a different shape from %s (%dx%d)",
                     j->mask_path, j->mask.width, j->mask.height, j->input, j->picture.width,
                     j->picture.height);
    else if (s == GP_OK)
        s = check_mask(j, err);
    return s;
}

/* The target and mask at the sizes the engine expects, through the
 * bridge's one preparation with the area filter (plain C, so this mode
 * builds without GEGL). */
static gp_status make_target(invert_job *j, gp_error *err)
{
    const gp_model_info *in = gp_model_get_info(j->m);
    return gpb_target_prepare(in, &j->p, &j->picture, j->mask_path ? &j->mask : NULL,
                              gp_image_resample, &j->target, err);
}

/* The model sees the picture (inpainting with --full: the hole's
 * neighbourhood, which the bridge chooses) at its own shape: say so when
 * that stretches it, in both modes. */
static void note_stretch(const invert_job *j)
{
    const gp_model_info *in = gp_model_get_info(j->m);
    const int f = j->def->task == GP_TASK_SUPERRES ? j->p.superres_factor : 1;
    const int w = in->width / f, h = in->height / f;
    if (!j->faces && !(j->full && j->def->task == GP_TASK_INPAINT) &&
        !same_aspect(j->picture.width, j->picture.height, w, h))
        fprintf(stderr, "ganprior: note: %s is %dx%d; the model sees it stretched to %dx%d\n",
                j->input, j->picture.width, j->picture.height, w, h);
}

/* ---- running the engine, with progress and Ctrl-C ------------------- */

static gp_status run_engine(invert_job *j, gp_error *err)
{
    progress bar;
    progress_start(&bar, j->def->name);
    j->p.progress = cli_progress;
    j->p.progress_user = &bar;
    const gp_image *mask = j->mask_path ? &j->mask : NULL;
    cli_full_result merged = { 0 };
    gp_status s = j->faces ? cli_full_faces(j->m, &j->p, &j->picture, mask, j->input, &merged, err)
                : j->full ? cli_full_run(j->m, &j->p, &j->picture, mask, &merged, err)
                          : gp_invert(j->m, &j->p, &j->target.image,
                                      mask ? &j->target.mask : NULL, &j->out, &j->report, err);
    if (j->full) {
        j->out = merged.image;
        j->report = merged.report;
        j->full_psnr = merged.psnr;
        j->faces_done = merged.faces;
    }
    progress_finish(&bar);
    /* A Ctrl-C after the last callback still means the user wants out. */
    if (cli_interrupted() && (s == GP_OK || s == GP_ERR_CANCELLED)) {
        gp_image_release(&j->out);
        s = gp_fail(err, GP_ERR_CANCELLED, "cancelled; %s not written", j->output);
    }
    return s;
}

/* ---- the report ------------------------------------------------------ */

/* The result degraded as the task degrades it, then compared with what
 * the task knows (--full: full.c's, at the picture's size). */
static double task_psnr(const invert_job *j)
{
    if (j->full)
        return j->full_psnr;
    const gp_image *target = &j->target.image, *out = &j->out;
    gp_image a = { 0 }, b = { 0 };
    double v = NAN;
    switch (j->def->task) {
    case GP_TASK_RECONSTRUCT: return cli_psnr(out, target, NULL);
    case GP_TASK_INPAINT: return cli_psnr(out, target, &j->target.mask);
    case GP_TASK_COLORIZE:
        if (cli_image_convert(out, 1, &a, NULL) == GP_OK &&
            cli_image_convert(target, 1, &b, NULL) == GP_OK)
            v = cli_psnr(&a, &b, NULL);
        break;
    case GP_TASK_SUPERRES:
        if (gp_image_resample(out, target->width, target->height, &a, NULL) == GP_OK)
            v = cli_psnr(&a, target, NULL);
        break;
    }
    gp_image_release(&a);
    gp_image_release(&b);
    return v;
}

/* A JSON number, or null for what JSON cannot hold. */
static void print_number(const char *key, double v, const char *fmt)
{
    printf(",\"%s\":", key);
    if (isfinite(v))
        printf(fmt, v);
    else
        fputs("null", stdout);
}

static void print_report(const invert_job *j)
{
    printf("{\"method\":\"%s\",\"task\":\"%s\",\"iterations\":%d,\"tune_steps\":%d,"
           "\"adversarial\":%s",
           method_name(j->method), j->def->name, j->report.iterations, j->report.tune_steps,
           j->report.adversarial ? "true" : "false");
    print_number("seconds", j->report.seconds, "%.3f");
    print_number("loss", j->report.loss, "%.6g");
    print_number("psnr", task_psnr(j), "%.3f");
    if (j->faces)
        printf(",\"faces\":%d", j->faces_done);
    puts("}");
    fflush(stdout);
}

/* ---- the command ----------------------------------------------------- */

static void job_free(invert_job *j)
{
    gp_image_release(&j->picture);
    gp_image_release(&j->mask);
    gpb_target_release(&j->target);
    gp_image_release(&j->out);
    gp_subspaces_free(j->sub);
    gp_model_free(j->m);
}

/* Everything after the command line: files are checked before the
 * model is loaded, and the output is written only on success. */
static int run(invert_job *j)
{
    gp_error err = { 0 };
    char path[PATH_MAX];
    cli_catch_sigint();
    gp_status s = read_inputs(j, &err);
    if (s == GP_OK)
        s = cli_picture_check_writable(j->output, &err);
    if (s == GP_OK)
        s = cli_open_model(j->model, path, sizeof path, &j->m, &err);
    if (s != GP_OK)
        return cli_report(&err);
    int usage = check_against_model(j);
    if (usage)
        return usage;
    note_stretch(j);
    if (!j->full)
        s = make_target(j, &err);
    if (s == GP_OK && j->subspaces && j->p.method == GP_METHOD_SUBSPACE &&
        (s = gp_subspaces_load(j->m, j->subspaces, &j->sub, &err)) == GP_OK)
        j->p.subspace.subspaces = j->sub;
    if (s == GP_OK)
        s = run_engine(j, &err);
    if (s == GP_OK)
        s = cli_picture_write(j->output, &j->out, &err);
    if (s != GP_OK)
        return cli_report(&err);
    if (j->p.search.perceptual_weight > 0.0f && !j->report.perceptual)
        fputs("ganprior: note: the perceptual loss was not used (no SqueezeNet network found, "
              "or the compared image is too small for it)\n", stderr);
    if (j->p.tune.steps > 0 && !j->report.adversarial &&
        (j->p.tune.adversarial_weight > 0.0f || j->p.tune.adversarial_local_weight > 0.0f))
        fputs("ganprior: note: the adversarial tuning terms were not used (no "
              "MODEL-disc.safetensors next to the model; see --disc)\n", stderr);
    print_report(j);
    return 0;
}

int cmd_invert(int argc, char **argv)
{
    invert_job j = { .def = find_task(argv[0]), .model = GP_DEFAULT_MODEL };
    gp_invert_params_default(&j.p, j.def->task);
    j.method = (int)j.p.method;
    j.start = (int)j.p.search.start;
    arg_result r = parse(&j, argc, argv);
    if (r == ARGS_OK && j.faces && !j.full)
        r = (arg_result)args_usage_error(&(arg_command){ .name = j.def->name },
                                         "--faces works only with --full");
    int status = r != ARGS_OK ? (int)r : run(&j);
    job_free(&j);
    return status;
}
