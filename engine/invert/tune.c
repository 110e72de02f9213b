/* tune.c — generator tuning after the code search: Pivotal Tuning
 * (Roich, Mokady, Bermano & Cohen-Or, "Pivotal Tuning for Latent-based
 * Editing of Real Images", 2021, arXiv:2106.05744), the generator
 * fine-tuning step of "Near Perfect GAN Inversion" (Feng et al. 2022).
 *
 * The codes the search found (the pivot) are held fixed and the
 * generator's weights move instead, on the same task loss:
 *     L = task(G_theta(pivot)) + lambda * mean((G_theta(z_r) - G_0(z_r))^2)
 *         [+ a_g * global(G_theta(pivot)) + a_l * local(G_theta(pivot))]
 * where the z_r are codes near the pivot (each code moved a fraction
 * of the way towards a random one, PTI's locality regulariser) and
 * G_0(z_r) their outputs before tuning, computed once.  One z_r per
 * step, in turn, so the term costs one more pass rather than R.  The
 * bracket, when the job has a discriminator, holds Near Perfect GAN
 * Inversion's adversarial terms (discriminator.h); their gradient joins
 * the task's at the pivot's image, so it costs no extra generator pass.
 * The best image is still chosen on the task loss alone.
 *
 * Scope: the layers after the split (G2), whose input then never
 * changes, so the composed features are computed once and only G2 runs
 * per step; or every layer.  Adam steps are relative to each tensor's
 * RMS, since a layer's weights may be 0.02 or 1 in scale.  The model's
 * weights are saved first and copied back on every path.
 */
#include "invert/tune.h"

#include "nn/adam.h"
#include "loss/discriminator.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LOCALITY_SAMPLES = 8 };

typedef struct tuned { /* one tuned parameter tensor */
    gp_param *param;
    float scale;       /* its RMS before tuning */
    gp_adam adam;
} tuned;

typedef struct tuner {
    gp_tune_job *j;
    gp_net *net;
    int from;          /* first tuned layer; the rest to net->count */
    tuned *params;
    int nparams;
    float *saved;      /* every tuned value before tuning */
    int samples;       /* 1 + locality samples: the pivot first */
    size_t ncodes, nfeat, npix;
    float *codes;      /* [samples][ncodes] */
    float *feat;       /* [samples][nfeat] composed features, or NULL when G1 is tuned */
    float *anchor;     /* [samples][npix]: the untuned outputs (0 unused) */
    float *grad;       /* [npix]: the image gradient being back-propagated */
} tuner;

/* Image of sample s with the current weights. */
static const float *generate(tuner *t, int s)
{
    gp_composer *k = t->j->k;
    if (t->feat) {
        memcpy(gp_trace_input(k->g2), t->feat + (size_t)s * t->nfeat, t->nfeat * sizeof(float));
        return gp_trace_forward(k->g2);
    }
    memcpy(k->z, t->codes + (size_t)s * t->ncodes, t->ncodes * sizeof(float));
    return gp_composer_forward(k);
}

/* Adds the weight gradients of dx at the last generated image. */
static void backprop(tuner *t, const float *dx)
{
    if (t->feat)
        gp_trace_backward(t->j->k->g2, dx, NULL);
    else
        gp_composer_backward(t->j->k, dx);
}

/* The pivot and codes near it; their composed features (when G1 stays
 * fixed) and untuned outputs. */
static bool make_samples(tuner *t, gp_rng *rng, bool frozen_g1)
{
    const gp_tune_job *j = t->j;
    gp_composer *k = j->k;
    const float radius = j->p->tune.locality_radius;
    t->codes = malloc((size_t)t->samples * t->ncodes * sizeof(float));
    t->anchor = malloc((size_t)t->samples * t->npix * sizeof(float));
    t->grad = malloc(t->npix * sizeof(float));
    t->feat = frozen_g1 ? malloc((size_t)t->samples * t->nfeat * sizeof(float)) : NULL;
    if (!t->codes || !t->anchor || !t->grad || (frozen_g1 && !t->feat))
        return false;
    memcpy(t->codes, k->z, t->ncodes * sizeof(float));
    for (int s = 0; s < t->samples; s++) {
        float *z = t->codes + (size_t)s * t->ncodes;
        for (int n = 0; s > 0 && n < k->n; n++) {
            float *zn = z + (size_t)n * k->latent;
            const float *pn = t->codes + (size_t)n * k->latent;
            gp_model_draw_latent(j->m, rng, zn);
            for (int i = 0; i < k->latent; i++)
                zn[i] = pn[i] + radius * (zn[i] - pn[i]);
        }
        memcpy(k->z, z, t->ncodes * sizeof(float));
        memcpy(t->anchor + (size_t)s * t->npix, gp_composer_forward(k), t->npix * sizeof(float));
        if (frozen_g1)
            memcpy(t->feat + (size_t)s * t->nfeat, gp_trace_input(k->g2), t->nfeat * sizeof(float));
    }
    memcpy(k->z, t->codes, t->ncodes * sizeof(float));
    return true;
}

static float rms(const gp_param *p)
{
    double s = 0.0;
    for (size_t i = 0; i < p->count; i++)
        s += (double)p->value[i] * p->value[i];
    return p->count ? (float)sqrt(s / (double)p->count) : 0.0f;
}

/* Lists the tuned tensors with their scales and saves their values.
 * A tensor that starts at zero (a bias) takes its layer's weight scale.
 * Batch norm's running statistics get no gradient, so Adam leaves them
 * where they are. */
static bool collect_params(tuner *t)
{
    size_t total = 0;
    for (int i = t->from; i < t->net->count; i++) {
        t->nparams += t->net->layers[i]->nparams;
        for (int q = 0; q < t->net->layers[i]->nparams; q++)
            total += t->net->layers[i]->params[q].count;
    }
    t->params = calloc((size_t)t->nparams + 1, sizeof *t->params);
    t->saved = malloc((total + 1) * sizeof(float));
    if (!t->params || !t->saved)
        return false;
    tuned *tp = t->params;
    float *save = t->saved;
    for (int i = t->from; i < t->net->count; i++) {
        gp_layer *l = t->net->layers[i];
        for (int q = 0; q < l->nparams; q++, tp++) {
            tp->param = &l->params[q];
            float s = rms(tp->param);
            tp->scale = s > 0.0f ? s : rms(&l->params[0]) > 0.0f ? rms(&l->params[0]) : 1.0f;
            memcpy(save, tp->param->value, tp->param->count * sizeof(float));
            save += tp->param->count;
            if (!gp_adam_init(&tp->adam, tp->param->count))
                return false;
        }
    }
    return gp_net_enable_grads(t->net, t->from, t->net->count, true);
}

/* Puts the saved weights back, drops the gradient buffers and frees
 * what the tuner made. */
static void tuner_finish(tuner *t)
{
    const float *save = t->saved;
    for (int i = 0; i < t->nparams && save; i++) {
        gp_param *p = t->params[i].param;
        if (p) {
            memcpy(p->value, save, p->count * sizeof(float));
            gp_param_changed(p);
        }
        save += p ? p->count : 0;
    }
    for (int i = 0; t->params && i < t->nparams; i++)
        gp_adam_free(&t->params[i].adam);
    gp_net_enable_grads(t->net, 0, t->net->count, false);
    free(t->params);
    free(t->saved);
    free(t->codes);
    free(t->feat);
    free(t->anchor);
    free(t->grad);
}

/* The locality term of sample s: its gradient, back-propagated. */
static void locality(tuner *t, int s)
{
    const float *x = generate(t, s), *a = t->anchor + (size_t)s * t->npix;
    const float g = 2.0f * t->j->p->tune.locality_weight / (float)t->npix;
    for (size_t i = 0; i < t->npix; i++)
        t->grad[i] = g * (x[i] - a[i]);
    backprop(t, t->grad);
}

/* The gradient at the pivot's image x: the task's, plus the adversarial
 * terms' when the job has a discriminator. */
static const float *pivot_gradient(tuner *t, const float *x)
{
    const gp_tune_job *j = t->j;
    if (!j->disc)
        return j->dx;
    memcpy(t->grad, j->dx, t->npix * sizeof(float));
    gp_disc_loss(j->disc, x, j->p->tune.adversarial_weight, j->p->tune.adversarial_local_weight,
                 t->grad);
    return t->grad;
}

static void update(tuner *t, int step)
{
    const gp_invert_params *p = t->j->p;
    const float lr = gp_adam_cosine_lr(p->tune.learning_rate, step, p->tune.steps);
    for (int i = 0; i < t->nparams; i++) {
        tuned *tp = &t->params[i];
        gp_adam_step(&tp->adam, tp->param->value, tp->param->grad, lr * tp->scale);
        gp_param_changed(tp->param);
    }
}

/* tune.steps updates, each after scoring the current weights; a last
 * scoring after the last update. */
static gp_status tune_loop(tuner *t, gp_error *err)
{
    gp_tune_job *j = t->j;
    const gp_invert_params *p = j->p;
    const int total = p->search.iterations + p->tune.steps;
    j->best_loss = INFINITY;
    for (int step = 0; step <= p->tune.steps; step++) {
        gp_net_zero_grads(t->net, t->from, t->net->count);
        const float *x = generate(t, 0);
        float loss = j->loss(j->ctx, x);
        if (loss < j->best_loss) {
            j->best_loss = loss;
            memcpy(j->best, x, t->npix * sizeof(float));
        }
        if (step == p->tune.steps)
            break;
        if (p->progress &&
            !p->progress(p->progress_user, p->search.iterations + step + 1, total, loss))
            return gp_fail(err, GP_ERR_CANCELLED, "cancelled after %d tuning steps", step);
        backprop(t, pivot_gradient(t, x));
        if (p->tune.locality_weight > 0.0f)
            locality(t, 1 + step % (t->samples - 1));
        update(t, step);
        j->steps = step + 1;
    }
    return GP_OK;
}

gp_status gp_tune(gp_tune_job *j, gp_rng *rng, gp_error *err)
{
    gp_composer *k = j->k;
    tuner t = { .j = j, .net = j->m->net, .samples = 1 + LOCALITY_SAMPLES };
    t.from = j->p->tune.all ? 0 : k->split;
    t.ncodes = (size_t)k->n * k->latent;
    t.nfeat = (size_t)k->c * k->hw;
    t.npix = gp_shape_count(gp_trace_out_shape(k->g2));
    j->steps = 0;
    gp_status s = GP_OK;
    if (!make_samples(&t, rng, t.from == k->split) || !collect_params(&t))
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory setting up generator tuning");
    if (s == GP_OK)
        s = tune_loop(&t, err);
    tuner_finish(&t);
    return s;
}
