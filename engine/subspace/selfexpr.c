/* selfexpr.c — learning the self-expressive coefficient matrix of PmSFC
 * (Li, Wang, Wu & Lu, "Prior Multi-Subspace Feature Composition", AAAI
 * 2021, sec. 3.2) and thresholding it into a channel affinity as Deep
 * Subspace Clustering does (Ji et al., NIPS 2017).
 *
 * Each step draws a batch of latents, runs G1 once, and compares the
 * features F [b, c, hw] with C·F (one GEMM per sample) and G2(F) with
 * G2(C·F); the gradient at C·F comes back through G2's trace and
 * dC = Σ_b dF̂_b F_bᵀ is one more GEMM per sample.  C's diagonal is kept
 * at zero (its gradient is dropped), so a channel can never explain
 * itself.  The released code ran Adam at 1e-4 from 1e-4 for ~50 steps,
 * which leaves C at its start; here the default step is 1e-2,
 * cosine-decayed, and 400 steps rebuild ~90% of the feature energy of
 * the planted test generator (tests/test_subspaces.c) in 0.01 s. */
#include "subspace/selfexpr.h"

#include "nn/adam.h"
#include "core/error.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct learner {
    const gp_subspace_params *p;
    gp_model *m;
    gp_trace *g1, *g2;
    int c, hw, b;
    size_t feat, npix;   /* floats per sample at the split and the output */
    float *coef, *grad;  /* [c, c] */
    float *f, *y;        /* F [b, c, hw], G2(F) [b, npix] */
    float *dy, *df, *dg; /* [b, npix], [b, c, hw] twice */
    gp_rng rng;
} learner;

static void learner_free(learner *l)
{
    gp_trace_free(l->g1);
    gp_trace_free(l->g2);
    free(l->grad);
    free(l->f);
    free(l->y);
    free(l->dy);
    free(l->df);
    free(l->dg);
}

static bool learner_init(learner *l, gp_model *m, int split, const gp_subspace_params *p)
{
    gp_net *net = m->net;
    gp_shape in = net->in, fs, out;
    in.n = p->batch;
    if (!gp_net_shape_at(net, split, p->batch, &fs) || !gp_net_shape_at(net, net->count, 1, &out))
        return false;
    *l = (learner){ .p = p, .m = m, .c = fs.c, .hw = fs.h * fs.w, .b = p->batch };
    l->feat = gp_shape_plane(fs);
    l->npix = gp_shape_plane(out);
    l->g1 = gp_trace_new(net, 0, split, in);
    l->g2 = gp_trace_new(net, split, net->count, fs);
    l->grad = malloc((size_t)l->c * l->c * sizeof(float));
    l->f = malloc(l->b * l->feat * sizeof(float));
    l->df = malloc(l->b * l->feat * sizeof(float));
    l->dg = malloc(l->b * l->feat * sizeof(float));
    l->y = malloc(l->b * l->npix * sizeof(float));
    l->dy = malloc(l->b * l->npix * sizeof(float));
    gp_rng_seed(&l->rng, p->seed);
    return l->g1 && l->g2 && l->grad && l->f && l->df && l->dg && l->y && l->dy;
}

/* Fresh samples: F = G1(z) and the reference output G2(F). */
static void sample(learner *l)
{
    float *z = gp_trace_input(l->g1);
    for (int i = 0; i < l->b; i++)
        gp_model_draw_latent(l->m, &l->rng, z + (size_t)i * l->m->info.latent_size);
    memcpy(l->f, gp_trace_forward(l->g1), l->b * l->feat * sizeof(float));
    memcpy(gp_trace_input(l->g2), l->f, l->b * l->feat * sizeof(float));
    memcpy(l->y, gp_trace_forward(l->g2), l->b * l->npix * sizeof(float));
}

/* F̂ = C·F into G2's input; returns the feature term, df = its gradient. */
static float feature_term(learner *l, double *energy)
{
    float *fh = gp_trace_input(l->g2);
    for (int i = 0; i < l->b; i++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, l->c, l->hw, l->c, 1.0f, l->coef,
                    l->c, l->f + i * l->feat, l->hw, 0.0f, fh + i * l->feat, l->hw);
    const size_t n = l->b * l->feat;
    double sum = 0.0, e = 0.0;
    for (size_t i = 0; i < n; i++) {
        float d = fh[i] - l->f[i];
        sum += (double)d * d;
        e += (double)l->f[i] * l->f[i];
        l->df[i] = 2.0f * d / (float)n;
    }
    *energy = e / (double)n;
    return (float)(sum / (double)n);
}

/* G2(F̂) against G2(F); adds its gradient at F̂ into df. */
static float output_term(learner *l)
{
    const float *yh = gp_trace_forward(l->g2);
    const size_t n = l->b * l->npix;
    const float w = l->p->output_weight;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        float d = yh[i] - l->y[i];
        sum += (double)d * d;
        l->dy[i] = 2.0f * w * d / (float)n;
    }
    if (w > 0.0f) {
        gp_trace_backward(l->g2, l->dy, l->dg);
        for (size_t i = 0; i < l->b * l->feat; i++)
            l->df[i] += l->dg[i];
    }
    return (float)(sum / (double)n);
}

/* dC = Σ_b dF̂_b F_bᵀ + the sparsity gradient, diagonal dropped;
 * returns S(C). */
static float coef_gradient(learner *l)
{
    for (int i = 0; i < l->b; i++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l->c, l->c, l->hw, 1.0f,
                    l->df + i * l->feat, l->hw, l->f + i * l->feat, l->hw, i ? 1.0f : 0.0f,
                    l->grad, l->c);
    const size_t n = (size_t)l->c * l->c;
    const float w = l->p->sparsity_weight / (float)n;
    const bool l1 = l->p->sparsity == GP_SPARSITY_L1;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        float v = l->coef[i];
        s += l1 ? fabs(v) : (double)v * v;
        l->grad[i] += l1 ? w * (float)((v > 0.0f) - (v < 0.0f)) : 2.0f * w * v;
    }
    for (int i = 0; i < l->c; i++)
        l->grad[(size_t)i * l->c + i] = 0.0f;
    return (float)(s / (double)n);
}

/* Figures averaged over the last steps: one batch is noisy. */
static void tally(gp_selfexpr_figures *fig, int step, int steps, float fl, float ol, float sp,
                  double energy)
{
    int window = steps < 20 ? steps : 20;
    if (step < steps - window)
        return;
    fig->feature_loss += fl / (float)window;
    fig->output_loss += ol / (float)window;
    fig->sparsity += sp / (float)window;
    fig->feature_energy += (float)energy / (float)window;
}

static gp_status train(learner *l, gp_selfexpr_figures *fig, gp_error *err)
{
    const gp_subspace_params *p = l->p;
    gp_adam adam;
    if (!gp_adam_init(&adam, (size_t)l->c * l->c))
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the coefficient matrix");
    gp_status s = GP_OK;
    for (int step = 0; step < p->steps; step++) {
        sample(l);
        double energy;
        float fl = feature_term(l, &energy);
        float ol = output_term(l);
        float sp = coef_gradient(l);
        tally(fig, step, p->steps, fl, ol, sp, energy);
        fig->steps = step + 1;
        float loss = fl + p->output_weight * ol + p->sparsity_weight * sp;
        if (p->progress && !p->progress(p->progress_user, step + 1, p->steps, loss)) {
            s = gp_fail(err, GP_ERR_CANCELLED, "cancelled after %d steps", step + 1);
            break;
        }
        gp_adam_step(&adam, l->coef, l->grad, gp_adam_cosine_lr(p->learning_rate, step, p->steps));
    }
    gp_adam_free(&adam);
    return s;
}

gp_status gp_selfexpr_learn(gp_model *m, int split, const gp_subspace_params *p, float *coef,
                            gp_selfexpr_figures *fig, gp_error *err)
{
    learner l;
    memset(fig, 0, sizeof *fig);
    if (split < 1 || split >= m->net->count)
        return gp_fail(err, GP_ERR_ARGUMENT, "the self-expressive layer needs a split inside the generator");
    if (!learner_init(&l, m, split, p)) {
        learner_free(&l);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory setting up subspace learning");
    }
    l.coef = coef;
    /* The reference's start: every coefficient 1e-4, the diagonal 0. */
    for (int i = 0; i < l.c; i++)
        for (int j = 0; j < l.c; j++)
            coef[(size_t)i * l.c + j] = i == j ? 0.0f : 1e-4f;
    gp_status s = train(&l, fig, err);
    learner_free(&l);
    return s;
}

typedef struct ranked {
    float v;
    int i;
} ranked;

static int by_size(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

bool gp_selfexpr_affinity(const float *coef, int c, float keep, float *a)
{
    ranked *row = malloc((size_t)c * sizeof *row);
    if (!row)
        return false;
    for (int i = 0; i < c; i++) {
        double total = 0.0;
        for (int j = 0; j < c; j++) {
            row[j] = (ranked){ fabsf(coef[(size_t)i * c + j]), j };
            total += row[j].v;
            a[(size_t)i * c + j] = 0.0f;
        }
        qsort(row, (size_t)c, sizeof *row, by_size);
        double sum = 0.0;
        for (int j = 0; j < c && row[j].v > 0.0f; j++) {
            a[(size_t)i * c + row[j].i] = row[j].v;
            sum += row[j].v;
            if (sum > keep * total)
                break;
        }
    }
    for (int i = 0; i < c; i++)
        for (int j = i; j < c; j++)
            a[(size_t)i * c + j] = a[(size_t)j * c + i] = a[(size_t)i * c + j] + a[(size_t)j * c + i];
    free(row);
    return true;
}
