/* invert.c — GAN inversion: find codes whose generated image matches the
 * target under the task's degradation.
 *
 * Loss (images in the model's range):
 *     mean((D(x) - D(y))^2) + w * perceptual(D(x), D(y))
 * optimised with Adam on the codes (and, for multi-code, the channel
 * importances), the step cosine-decayed to 5%, stopped early when the
 * best loss stalls.  Before Adam, K random starts are scored on the
 * pixel term alone and the best kept (DGP-style best-of-K).
 *
 * Methods: one code through the whole generator; mGANprior's N codes
 * composed at a split (Gu et al., CVPR 2020); PmSFC's codes per channel
 * subspace plus a base code (Li et al., AAAI 2021), the same composer
 * with channel masks (compose.h).  PmSFC's released script also fits
 * the base code alone to the image (a second G2 pass per step); that
 * term is not implemented here (see bench/results/subspace.md).
 * In-domain inversion (Zhu et al., ECCV 2020): one code, started at the
 * model's encoder and kept in its domain by loss/domain.c.  Any method
 * may start at the encoder instead of random draws (search.start).
 *
 * With tune.steps, the generator's weights are then tuned from the best
 * codes on the same loss (PTI, Roich et al. 2021: tune.c), optionally
 * with a discriminator's adversarial terms (discriminator.c).
 */
#include "invert/invert.h"

#include "nn/adam.h"
#include "invert/compose.h"
#include "loss/degrade.h"
#include "loss/discriminator.h"
#include "loss/domain.h"
#include "core/error.h"
#include "model/encoder.h"
#include "model/find.h"
#include "model/model.h"
#include "nn/threads.h"
#include "loss/perceptual.h"
#include "invert/tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct run {
    gp_model *m;
    const gp_invert_params *p;
    gp_composer k;
    const gp_subspaces *sub; /* subspace method: p's, or owned_sub */
    gp_subspaces *owned_sub;
    gp_degrade deg;
    gp_perceptual *perc;
    gp_disc *disc;      /* tuning's adversarial terms, or NULL */
    gp_encoder *enc;    /* the start and domain term, or NULL */
    float *dz_domain;   /* the domain term's gradient at the code */
    size_t npix;        /* floats in x = G(z) */
    size_t nd;          /* floats in D(x) */
    float *keep;        /* inpaint mask, 1 = known */
    float *target;      /* D(y) in the model's range */
    float *xd, *gxd, *gx;
    float *best;        /* best image so far */
    float *best_feat;   /* its composed feature at the split, if wanted */
    float *best_z, *best_alpha; /* its codes and importances: tuning's pivot */
    float pix_norm;     /* 1 / number of compared values */
} run;

static gp_status check_args(const gp_model *m, const gp_invert_params *p, const gp_image *y,
                            const gp_image *mask, gp_error *err)
{
    const gp_model_info *mi = &m->info;
    if (!y || !y->data)
        return gp_fail(err, GP_ERR_ARGUMENT, "no target image");
    if (p->search.iterations < 1 || p->search.iterations > 1000000)
        return gp_fail(err, GP_ERR_ARGUMENT, "iterations must be 1..1000000 (got %d)",
                       p->search.iterations);
    if (!(p->search.learning_rate > 0.0f) || !(p->search.perceptual_weight >= 0.0f) ||
        p->search.restarts < 0 || p->search.restarts > 10000 || p->search.plateau_window < 0)
        return gp_fail(err, GP_ERR_ARGUMENT, "learning rate must be > 0, perceptual weight >= 0, restarts 0..10000");
    if (p->tune.steps < 0 || p->tune.steps > 1000000)
        return gp_fail(err, GP_ERR_ARGUMENT, "tuning steps must be 0..1000000 (got %d)",
                       p->tune.steps);
    if (p->tune.steps > 0 &&
        (!(p->tune.learning_rate > 0.0f) || !(p->tune.locality_weight >= 0.0f) ||
         !(p->tune.locality_radius > 0.0f && p->tune.locality_radius <= 1.0f) ||
         !(p->tune.adversarial_weight >= 0.0f) || !(p->tune.adversarial_local_weight >= 0.0f)))
        return gp_fail(err, GP_ERR_ARGUMENT, "tuning needs a learning rate > 0, locality and adversarial "
                       "weights >= 0 and a locality radius in (0, 1]");
    if (p->method == GP_METHOD_MULTICODE &&
        (p->composition.codes < 1 || p->composition.codes > 1024))
        return gp_fail(err, GP_ERR_ARGUMENT, "codes must be 1..1024 (got %d)",
                       p->composition.codes);
    if (p->method == GP_METHOD_SUBSPACE &&
        (p->subspace.codes_per_subspace < 1 || p->subspace.codes_per_subspace > 64))
        return gp_fail(err, GP_ERR_ARGUMENT, "codes per subspace must be 1..64 (got %d)",
                       p->subspace.codes_per_subspace);
    if ((p->method == GP_METHOD_MULTICODE || p->method == GP_METHOD_SUBSPACE) &&
        p->composition.split_block != -1 &&
        (p->composition.split_block < 1 || p->composition.split_block >= mi->blocks))
        return gp_fail(err, GP_ERR_ARGUMENT, "split layer must be 1..%d for this model (got %d)",
                       mi->blocks - 1, p->composition.split_block);
    if (p->method == GP_METHOD_INDOMAIN && !(p->indomain.domain_weight >= 0.0f))
        return gp_fail(err, GP_ERR_ARGUMENT, "the domain weight must be >= 0");
    if (p->search.start > GP_START_ENCODER)
        return gp_fail(err, GP_ERR_ARGUMENT, "unknown start %d", (int)p->search.start);
    if (p->method > GP_METHOD_INDOMAIN) {
        return gp_fail(err, GP_ERR_UNSUPPORTED, "unknown inversion method %d", (int)p->method);
    }
    int w = mi->width, h = mi->height;
    if (p->task == GP_TASK_SUPERRES) {
        int f = p->superres_factor;
        if (f < 2 || f > 16 || w % f || h % f)
            return gp_fail(err, GP_ERR_ARGUMENT, "super-resolution factor must be 2..16 and divide the model size %dx%d (got %d)",
                           w, h, f);
        w /= f;
        h /= f;
    } else if (p->task > GP_TASK_SUPERRES) {
        return gp_fail(err, GP_ERR_ARGUMENT, "unknown task %d", (int)p->task);
    }
    if (y->width != w || y->height != h)
        return gp_fail(err, GP_ERR_ARGUMENT, "target is %dx%d, this task needs %dx%d", y->width, y->height, w, h);
    if (y->channels != 3 && !(y->channels == 1 && p->task == GP_TASK_COLORIZE))
        return gp_fail(err, GP_ERR_ARGUMENT, "target must be RGB%s", p->task == GP_TASK_COLORIZE ? " or gray" : "");
    if (p->task == GP_TASK_INPAINT &&
        (!mask || !mask->data || mask->width != mi->width || mask->height != mi->height))
        return gp_fail(err, GP_ERR_ARGUMENT, "inpainting needs a %dx%d mask (got %s)", mi->width, mi->height,
                       mask && mask->data ? "another size" : "none");
    return GP_OK;
}

static gp_status setup_mask(run *r, const gp_image *mask, gp_error *err)
{
    const size_t hw = (size_t)r->deg.w * r->deg.h;
    r->keep = malloc(hw * sizeof(float));
    if (!r->keep)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    size_t known = 0;
    for (size_t i = 0; i < hw; i++) {
        r->keep[i] = mask->data[i * mask->channels] >= 0.5f ? 0.0f : 1.0f;
        known += r->keep[i] > 0.0f;
    }
    if (known == 0)
        return gp_fail(err, GP_ERR_ARGUMENT, "the mask covers the whole image: nothing is known to match");
    r->deg.keep = r->keep;
    r->pix_norm = 1.0f / (3.0f * (float)known);
    return GP_OK;
}

/* D(y): the target seen through the degradation, in the model's range. */
static gp_status setup_target(run *r, const gp_image *y, gp_error *err)
{
    gp_shape ds = gp_degrade_shape(&r->deg);
    r->nd = gp_shape_count(ds);
    size_t n = (size_t)y->width * y->height * 3;
    float *raw = malloc(n * sizeof(float));
    r->target = malloc(r->nd * sizeof(float));
    if (!raw || !r->target) {
        free(raw);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    }
    gp_image rgb = *y;
    float *expanded = NULL;
    if (y->channels == 1) { /* gray target: replicate to RGB */
        expanded = malloc(n * sizeof(float));
        if (!expanded) {
            free(raw);
            return gp_fail(err, GP_ERR_MEMORY, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            expanded[i] = y->data[i / 3];
        rgb.data = expanded;
        rgb.channels = 3;
    }
    gp_model_image_to_range(r->m, &rgb, raw);
    if (r->deg.task == GP_TASK_SUPERRES)
        memcpy(r->target, raw, r->nd * sizeof(float)); /* already low-res */
    else
        gp_degrade_forward(&r->deg, raw, r->target);
    free(raw);
    free(expanded);
    return GP_OK;
}

enum { PERCEPTUAL_MIN_SIDE = 64 };

static void setup_perceptual(run *r)
{
    char path[4096];
    gp_shape ds = gp_degrade_shape(&r->deg);
    if (r->p->search.perceptual_weight <= 0.0f ||
        gp_perceptual_find(r->p->files.perceptual, path, sizeof path, NULL) != GP_OK ||
        gp_perceptual_load(path, &r->perc, NULL) != GP_OK)
        return;
    /* Too small an image for the network (low-res super-resolution
     * targets, 32 px models): the pixel term alone carries the match.
     * Below 64 px SqueezeNet's deeper taps are a pixel or two wide and
     * the term fights the pixels: on a held-out face through the 32 px
     * CelebA DCGAN, weight 0.5 gave 17.2 dB where pixels alone gave 23.9. */
    if (ds.h < PERCEPTUAL_MIN_SIDE || ds.w < PERCEPTUAL_MIN_SIDE ||
        gp_perceptual_set_target(r->perc, r->target, ds.h, ds.w, r->m->info.range_min,
                                 r->m->info.range_max, NULL) != GP_OK) {
        gp_perceptual_free(r->perc);
        r->perc = NULL;
    }
}

/* Mean squared error of D(x) against D(y); with grad, also writes its
 * gradient at D(x) into r->gxd. */
static float pixel_term(run *r, const float *x, bool grad)
{
    gp_degrade_forward(&r->deg, x, r->xd);
    double sum = 0.0;
    for (size_t i = 0; i < r->nd; i++) {
        float d = r->xd[i] - r->target[i];
        sum += (double)d * d;
        if (grad)
            r->gxd[i] = 2.0f * r->pix_norm * d;
    }
    return (float)sum * r->pix_norm;
}

/* Total loss of image x, and dL/dx into r->gx. */
static float evaluate(run *r, const float *x)
{
    float loss = pixel_term(r, x, true);
    if (r->perc)
        loss += gp_perceptual_loss(r->perc, r->xd, r->p->search.perceptual_weight, r->gxd);
    gp_degrade_adjoint(&r->deg, r->gxd, r->gx);
    return loss;
}

enum { ENCODER_SPREAD_PERCENT = 20 };

/* The encoder's code for the plain estimate of the picture behind the
 * target; with several codes the others are spread around it by 0.2 of
 * the prior's scale, since identical codes with equal importances would
 * get identical gradients and never part. */
static void encoder_start(run *r, gp_rng *rng)
{
    float *estimate = r->gx; /* free until the first evaluate */
    gp_degrade_estimate(&r->deg, r->target, estimate);
    const float *code = gp_encoder_encode(r->enc, estimate);
    for (int n = 0; n < r->k.n; n++) {
        float *z = r->k.z + (size_t)n * r->k.latent;
        gp_model_draw_latent(r->m, rng, z);
        for (int i = 0; i < r->k.latent; i++)
            z[i] = code[i] + (n ? ENCODER_SPREAD_PERCENT / 100.0f * z[i] : 0.0f);
    }
}

/* Best of 1 + restarts random starts on the pixel loss, one forward each,
 * or the encoder's start.  Reports each start as iteration 0 so a long
 * search can be cancelled. */
static gp_status choose_start(run *r, gp_rng *rng, gp_error *err)
{
    const gp_invert_params *p = r->p;
    if (r->enc) {
        encoder_start(r, rng);
        return p->progress && !p->progress(p->progress_user, 0,
                                           p->search.iterations + p->tune.steps, 0.0f)
                   ? gp_fail(err, GP_ERR_CANCELLED, "cancelled while choosing a start")
                   : GP_OK;
    }
    const size_t codes = (size_t)r->k.n * r->k.latent;
    float *best = p->search.restarts ? malloc(codes * sizeof(float)) : NULL;
    if (p->search.restarts && !best)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    float best_loss = INFINITY;
    for (int s = 0; s <= p->search.restarts; s++) {
        for (int n = 0; n < r->k.n; n++)
            gp_model_draw_latent(r->m, rng, r->k.z + (size_t)n * r->k.latent);
        if (!best)
            break;
        float l = pixel_term(r, gp_composer_forward(&r->k), false);
        if (l < best_loss) {
            best_loss = l;
            memcpy(best, r->k.z, codes * sizeof(float));
        }
        if (p->progress &&
            !p->progress(p->progress_user, 0, p->search.iterations + p->tune.steps, l)) {
            free(best);
            return gp_fail(err, GP_ERR_CANCELLED, "cancelled while choosing a start");
        }
    }
    if (best)
        memcpy(r->k.z, best, codes * sizeof(float));
    free(best);
    return GP_OK;
}

/* Stops when the best loss improved by less than tol (relative) over
 * the last window iterations. */
static bool plateaued(const gp_invert_params *p, const float *history, int it)
{
    int w = p->search.plateau_window;
    if (w <= 0 || it < w)
        return false;
    float before = history[it - w], now = history[it];
    return before - now < p->search.plateau_tolerance * now;
}

static gp_status optimise(run *r, gp_invert_report *rep, gp_error *err)
{
    const gp_invert_params *p = r->p;
    bool multi = p->method == GP_METHOD_MULTICODE ||
                 (p->method == GP_METHOD_SUBSPACE && p->subspace.weights);
    /* Alpha's step scales with its starting value (1/N, or 1/(P+1)). */
    float alpha_scale = p->method == GP_METHOD_SUBSPACE
                            ? 1.0f / (float)(p->subspace.codes_per_subspace + 1)
                            : 1.0f / (float)r->k.n;
    size_t codes = (size_t)r->k.n * r->k.latent, alphas = (size_t)r->k.n * r->k.c;
    gp_adam az, aa = { 0 };
    float *history = malloc((size_t)p->search.iterations * sizeof(float));
    if (!history || !gp_adam_init(&az, codes) || (multi && !gp_adam_init(&aa, alphas))) {
        free(history);
        gp_adam_free(&az);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    }
    gp_status s = GP_OK;
    float best = INFINITY;
    int it = 0;
    const bool domain = p->method == GP_METHOD_INDOMAIN;
    while (it < p->search.iterations) {
        const float *x = gp_composer_forward(&r->k);
        float loss = evaluate(r, x);
        if (domain)
            loss += gp_domain_term(r->enc, r->k.z, r->k.latent, x, p->indomain.domain_weight,
                                   r->gx, r->dz_domain);
        if (loss < best) {
            best = loss;
            memcpy(r->best, gp_trace_output(r->k.g2), r->npix * sizeof(float));
            if (r->best_feat)
                memcpy(r->best_feat, gp_trace_input(r->k.g2), (size_t)r->k.c * r->k.hw * sizeof(float));
            if (r->best_z) {
                memcpy(r->best_z, r->k.z, codes * sizeof(float));
                memcpy(r->best_alpha, r->k.alpha, alphas * sizeof(float));
            }
        }
        history[it++] = best;
        if (p->progress &&
            !p->progress(p->progress_user, it, p->search.iterations + p->tune.steps, loss)) {
            s = gp_fail(err, GP_ERR_CANCELLED, "cancelled after %d iterations", it);
            break;
        }
        gp_composer_backward(&r->k, r->gx);
        for (int i = 0; domain && i < r->k.latent; i++)
            r->k.dz[i] += r->dz_domain[i];
        float lr = gp_adam_cosine_lr(p->search.learning_rate, it - 1, p->search.iterations);
        gp_adam_step(&az, r->k.z, r->k.dz, lr);
        if (multi)
            gp_adam_step(&aa, r->k.alpha, r->k.dalpha, lr * alpha_scale);
        if (plateaued(p, history, it - 1))
            break;
    }
    rep->iterations = it;
    rep->loss = best;
    rep->perceptual = r->perc != NULL;
    free(history);
    gp_adam_free(&az);
    gp_adam_free(&aa);
    return s;
}

/* The returned image's pixel term as PSNR over the model's range. */
static float fit_psnr(run *r)
{
    const double span = r->m->info.range_max - r->m->info.range_min;
    const double mse = pixel_term(r, r->best, false);
    return mse > 1e-10 * span * span ? (float)(10.0 * log10(span * span / mse)) : 100.0f;
}

static void run_free(run *r)
{
    gp_composer_free(&r->k);
    gp_perceptual_free(r->perc);
    gp_disc_free(r->disc);
    gp_encoder_free(r->enc);
    free(r->dz_domain);
    free(r->keep);
    free(r->target);
    free(r->xd);
    free(r->gxd);
    free(r->gx);
    free(r->best);
    free(r->best_feat);
    free(r->best_z);
    free(r->best_alpha);
    gp_subspaces_free(r->owned_sub);
}

/* The subspaces the method composes by: the caller's, or the sidecar
 * file next to the model. */
static gp_status setup_subspaces(run *r, gp_error *err)
{
    const gp_invert_params *p = r->p;
    r->sub = p->subspace.subspaces;
    if (!r->sub) {
        char path[4096];
        gp_error why;
        gp_status s = gp_subspaces_path(r->m, path, sizeof path, err);
        if (s != GP_OK)
            return s;
        s = gp_subspaces_load(r->m, path, &r->owned_sub, &why);
        if (s != GP_OK)
            return gp_fail(err, s, "the subspace method needs the model's subspaces: %s (learn them "
                           "first: 'ganprior subspaces' or gp_subspaces_learn)", why.message);
        r->sub = r->owned_sub;
    }
    const gp_subspaces_info *si = gp_subspaces_get_info(r->sub);
    if (p->composition.split_block != -1 && p->composition.split_block != si->split_block)
        return gp_fail(err, GP_ERR_ARGUMENT, "the subspaces were learnt at block %d, not %d",
                       si->split_block, p->composition.split_block);
    if ((long)si->subspaces * p->subspace.codes_per_subspace + 1 > 1024)
        return gp_fail(err, GP_ERR_ARGUMENT, "%d subspaces x %d codes is more than 1024 codes",
                       si->subspaces, p->subspace.codes_per_subspace);
    return GP_OK;
}

/* Split layer and number of codes for the method. */
static void method_shape(const run *r, int *split, int *codes)
{
    const gp_invert_params *p = r->p;
    *split = 0;
    *codes = 1;
    if (p->method == GP_METHOD_MULTICODE) {
        *split = p->composition.split_block > 0 ? p->composition.split_block
                                                : gp_model_default_block(r->m);
        *codes = p->composition.codes;
    } else if (p->method == GP_METHOD_SUBSPACE) {
        const gp_subspaces_info *si = gp_subspaces_get_info(r->sub);
        *split = si->split_block;
        *codes = si->subspaces * p->subspace.codes_per_subspace + 1;
    }
    *split = *split ? gp_net_block_layer(r->m->net, *split) : 0;
}

static bool pivot_buffers(run *r)
{
    r->best_z = malloc((size_t)r->k.n * r->k.latent * sizeof(float));
    r->best_alpha = malloc((size_t)r->k.n * r->k.c * sizeof(float));
    return r->best_z && r->best_alpha;
}

static float tune_loss(void *ctx, const float *x) { return evaluate(ctx, x); }

/* PTI from the best codes of the search: their image and loss are
 * replaced by the tuned generator's best. */
static gp_status tune(run *r, gp_rng *rng, gp_invert_report *rep, gp_error *err)
{
    memcpy(r->k.z, r->best_z, (size_t)r->k.n * r->k.latent * sizeof(float));
    memcpy(r->k.alpha, r->best_alpha, (size_t)r->k.n * r->k.c * sizeof(float));
    gp_tune_job j = { .m = r->m, .p = r->p, .k = &r->k, .loss = tune_loss, .ctx = r,
                      .dx = r->gx, .disc = r->disc, .best = r->best };
    gp_status s = gp_tune(&j, rng, err);
    rep->tune_steps = j.steps;
    rep->adversarial = r->disc != NULL;
    rep->loss = j.best_loss;
    return s;
}

/* The discriminator of tuning's adversarial terms, when they are
 * wanted: a file the caller names must load; otherwise the one next to
 * the model is used if it is there.  The local term looks at the hole. */
static gp_status setup_disc(run *r, gp_error *err)
{
    const gp_invert_params *p = r->p;
    if (p->tune.steps == 0 ||
        !(p->tune.adversarial_weight > 0.0f || p->tune.adversarial_local_weight > 0.0f))
        return GP_OK;
    const bool named = p->files.discriminator && *p->files.discriminator;
    char path[4096];
    gp_status s = gp_disc_find(r->m, p->files.discriminator, path, sizeof path, named ? err : NULL);
    if (s != GP_OK)
        return named ? s : GP_OK;
    s = gp_disc_load(path, &r->m->info, &r->disc, err);
    if (s != GP_OK || !r->keep)
        return s;
    const size_t hw = (size_t)r->deg.w * r->deg.h;
    float *hole = malloc(hw * sizeof(float));
    if (!hole)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < hw; i++)
        hole[i] = 1.0f - r->keep[i];
    gp_disc_set_region(r->disc, hole);
    free(hole);
    return GP_OK;
}

/* The encoder, for the in-domain method or an encoder start. */
static gp_status setup_encoder(run *r, gp_error *err)
{
    const gp_invert_params *p = r->p;
    if (p->method != GP_METHOD_INDOMAIN && p->search.start != GP_START_ENCODER)
        return GP_OK;
    char path[4096];
    gp_error why;
    gp_status s = gp_encoder_find(r->m, p->files.encoder, path, sizeof path, &why);
    if (s != GP_OK)
        return gp_fail(err, s, "%s needs the model's encoder: %s (train one with "
                       "models/train/train_encoder.py)", p->method == GP_METHOD_INDOMAIN
                       ? "the in-domain method" : "starting at the encoder", why.message);
    s = gp_encoder_load(path, r->m, &r->enc, err);
    if (s == GP_OK && !(r->dz_domain = malloc((size_t)r->m->info.latent_size * sizeof(float))))
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory");
    return s;
}

static gp_status run_setup(run *r, const gp_image *y, const gp_image *mask, bool want_feat,
                           gp_error *err)
{
    const gp_invert_params *p = r->p;
    const gp_model_info *mi = &r->m->info;
    r->deg = (gp_degrade){ p->task, mi->height, mi->width, p->superres_factor, NULL };
    r->npix = (size_t)3 * mi->width * mi->height;
    gp_status s = p->method == GP_METHOD_SUBSPACE ? setup_subspaces(r, err) : GP_OK;
    if (s == GP_OK && p->task == GP_TASK_INPAINT)
        s = setup_mask(r, mask, err);
    if (s == GP_OK)
        s = setup_target(r, y, err);
    if (s != GP_OK)
        return s;
    if (p->task != GP_TASK_INPAINT)
        r->pix_norm = 1.0f / (float)r->nd;
    int split, codes;
    method_shape(r, &split, &codes);
    r->xd = malloc(r->nd * sizeof(float));
    r->gxd = malloc(r->nd * sizeof(float));
    r->gx = malloc(r->npix * sizeof(float));
    r->best = malloc(r->npix * sizeof(float));
    if (!r->xd || !r->gxd || !r->gx || !r->best ||
        !gp_composer_init(&r->k, r->m->net, split, codes) ||
        (want_feat && !(r->best_feat = malloc((size_t)r->k.c * r->k.hw * sizeof(float)))) ||
        (p->tune.steps > 0 && !pivot_buffers(r)))
        return gp_fail(err, GP_ERR_MEMORY, "out of memory setting up the inversion");
    if (r->sub) {
        const gp_subspaces_info *si = gp_subspaces_get_info(r->sub);
        if (!gp_composer_mask_subspaces(&r->k, si->labels, si->subspaces,
                                        p->subspace.codes_per_subspace))
            return gp_fail(err, GP_ERR_MEMORY, "out of memory for the subspace masks");
    }
    setup_perceptual(r);
    s = setup_encoder(r, err);
    return s == GP_OK ? setup_disc(r, err) : s;
}

gp_status gp_invert_feature(gp_model *m, const gp_invert_params *p, const gp_image *target,
                            const gp_image *mask, gp_image *out, float **feature,
                            gp_invert_report *report, gp_error *err)
{
    double t0 = gp_clock_seconds();
    if (!m || !p || !out)
        return gp_fail(err, GP_ERR_ARGUMENT, "gp_invert needs a model, parameters and an output image");
    gp_status s = check_args(m, p, target, mask, err);
    if (s != GP_OK)
        return s;
    if (feature && p->tune.steps > 0)
        return gp_fail(err, GP_ERR_UNSUPPORTED, "a subspace swap renders through the model's own "
                       "G2, so it cannot use generator tuning (tune steps must be 0)");
    gp_threads_fit_load();
    run r = { .m = m, .p = p };
    gp_invert_report rep = { 0 };
    s = run_setup(&r, target, mask, feature != NULL, err);
    if (s == GP_OK) {
        gp_rng rng;
        gp_rng_seed(&rng, p->search.seed);
        s = choose_start(&r, &rng, err);
        if (s == GP_OK)
            s = optimise(&r, &rep, err);
        if (s == GP_OK && p->tune.steps > 0)
            s = tune(&r, &rng, &rep, err);
    }
    gp_image result = { 0 };
    if (s == GP_OK && gp_image_alloc(&result, m->info.width, m->info.height, 3) != GP_OK)
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory for the result image");
    if (s == GP_OK) {
        rep.fit_psnr = fit_psnr(&r);
        gp_model_output_to_image(m, r.best, &result);
        *out = result;
        if (feature) {
            *feature = r.best_feat;
            r.best_feat = NULL;
        }
        rep.seconds = gp_clock_seconds() - t0;
        if (report)
            *report = rep;
        gp_ok(err);
    }
    run_free(&r);
    return s;
}

gp_status gp_invert(gp_model *m, const gp_invert_params *p, const gp_image *target,
                    const gp_image *mask, gp_image *out, gp_invert_report *report, gp_error *err)
{
    return gp_invert_feature(m, p, target, mask, out, NULL, report, err);
}
