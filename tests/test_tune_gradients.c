/* test_tune_gradients.c — the weight gradients generator tuning (PTI)
 * descends, against finite differences: a tuning-shaped loss (pixels of
 * the composed image against a target, plus a locality term at nearby
 * codes) through the multi-code composer of a small smooth PGGAN, for
 * a few weights and biases of G2 and, through the composition, of G1;
 * then the same with the adversarial terms of a smooth random
 * discriminator on the pivot's image, its local term over a hole.
 *   test_tune_gradients [DISC16]  (the adversarial part skips without it) */
#include "check.h"
#include "invert/compose.h"
#include "loss/discriminator.h"
#include "reference.h"
#include "core/rng.h"
#include "testmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct setup {
    gp_composer k;
    float *pivot, *near; /* codes */
    float *y, *anchor;   /* targets of the two terms */
    float *dx;
    gp_disc *disc;       /* the adversarial terms' network, or NULL: none */
    size_t npix, ncodes;
} setup;

/* Large enough that the adversarial gradient weighs about as much as
 * the pixels' (printed), so an error in it cannot hide. */
static const float adv_global = 4.0f, adv_local = 6.0f;

static float sq_term(const float *x, const float *t, size_t n, float w, float *dx)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        float d = x[i] - t[i];
        s += (double)d * d;
        if (dx)
            dx[i] = 2.0f * w * d / (float)n;
    }
    return w * (float)(s / (double)n);
}

/* L = mean((G(pivot) - y)^2) + 0.1 mean((G(near) - anchor)^2)
 *     [+ adv_global * global(G(pivot)) + adv_local * local(G(pivot))];
 * with grads, adds dL/dtheta into the enabled weight gradients. */
static float loss(setup *s, bool grads)
{
    memcpy(s->k.z, s->pivot, s->ncodes * sizeof(float));
    const float *x = gp_composer_forward(&s->k);
    float l = sq_term(x, s->y, s->npix, 1.0f, s->dx);
    if (s->disc)
        l += gp_disc_loss(s->disc, x, adv_global, adv_local, grads ? s->dx : NULL);
    if (grads)
        gp_composer_backward(&s->k, s->dx);
    memcpy(s->k.z, s->near, s->ncodes * sizeof(float));
    l += sq_term(gp_composer_forward(&s->k), s->anchor, s->npix, 0.1f, s->dx);
    if (grads)
        gp_composer_backward(&s->k, s->dx);
    return l;
}

static void fill(gp_rng *r, float *x, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * gp_rng_normal(r);
}

/* Central differences at a spread of entries of p against its grad. */
static void check_param(setup *s, gp_param *p, const char *what)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < p->count; i += p->count / 12 + 1) {
        float keep = p->value[i], eps = 1e-2f * fmaxf(1.0f, fabsf(keep));
        p->value[i] = keep + eps;
        gp_param_changed(p);
        double lp = loss(s, false);
        p->value[i] = keep - eps;
        gp_param_changed(p);
        double lm = loss(s, false);
        p->value[i] = keep;
        gp_param_changed(p);
        double fd = (lp - lm) / (2.0 * eps);
        num += (fd - p->grad[i]) * (fd - p->grad[i]);
        den += fd * fd;
    }
    double rel = sqrt(num / (den + 1e-20));
    printf("%s: relative error %.2g\n", what, rel);
    CHECK(den > 0.0, "%s: zero gradient, nothing checked", what);
    CHECK(rel < 2e-2, "%s: relative gradient error %.3g", what, rel);
}

/* Every parameter of every layer (G1's through the composition). */
static void check_all(setup *s, gp_net *net, int split, const char *terms)
{
    gp_net_zero_grads(net, 0, net->count);
    loss(s, true);
    for (int i = 0; i < net->count; i++) {
        gp_layer *l = net->layers[i];
        for (int q = 0; q < l->nparams; q++) {
            char what[128];
            snprintf(what, sizeof what, "%s: layer %d (%s, %s) %s", terms, i, l->ops->kind,
                     i < split ? "G1" : "G2", l->params[q].role);
            check_param(s, &l->params[q], what);
        }
    }
}

static double norm(const float *a, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)a[i] * a[i];
    return sqrt(sum);
}

/* The discriminator with a hole for its local term; prints how its image
 * gradient compares with the pixel term's. */
static gp_disc *load_disc(const char *path, setup *s)
{
    const gp_model_info g = { .name = "test", .width = 16, .height = 16 };
    gp_disc *d = NULL;
    gp_error err;
    CHECK(gp_disc_load(path, &g, &d, &err) == GP_OK, "%s: %s", path, err.message);
    if (!d)
        return NULL;
    float hole[16 * 16];
    for (int i = 0; i < 16 * 16; i++)
        hole[i] = i % 16 >= 3 && i % 16 < 12 && i / 16 >= 5 && i / 16 < 13;
    gp_disc_set_region(d, hole);
    memcpy(s->k.z, s->pivot, s->ncodes * sizeof(float));
    const float *x = gp_composer_forward(&s->k);
    sq_term(x, s->y, s->npix, 1.0f, s->dx);
    double pixels = norm(s->dx, s->npix);
    memset(s->dx, 0, s->npix * sizeof(float));
    gp_disc_loss(d, x, adv_global, adv_local, s->dx);
    double adv = norm(s->dx, s->npix);
    printf("image gradient norms: pixels %.3g, adversarial %.3g\n", pixels, adv);
    CHECK(adv > 0.3 * pixels, "the adversarial gradient (%.3g) is too small to be checked", adv);
    return d;
}

int main(int argc, char **argv)
{
    const int channels[3] = { 32, 16, 8 };
    gp_net *net = testmodel_pggan_net(16, 24, channels, 2, true, NULL, NULL);
    CHECK(net != NULL, "cannot build the test network");
    if (!net)
        return CHECK_DONE();
    setup s = { 0 };
    const int split = gp_net_block_layer(net, 2), n = 3;
    CHECK(gp_composer_init(&s.k, net, split, n), "composer init");
    gp_rng r;
    gp_rng_seed(&r, 21);
    s.ncodes = (size_t)n * s.k.latent;
    s.npix = gp_shape_count(gp_trace_out_shape(s.k.g2));
    s.pivot = malloc(s.ncodes * sizeof(float));
    s.near = malloc(s.ncodes * sizeof(float));
    s.y = malloc(s.npix * sizeof(float));
    s.anchor = malloc(s.npix * sizeof(float));
    s.dx = malloc(s.npix * sizeof(float));
    fill(&r, s.pivot, s.ncodes, 1.0f);
    fill(&r, s.near, s.ncodes, 1.0f);
    fill(&r, s.y, s.npix, 1.0f);
    fill(&r, s.anchor, s.npix, 1.0f);
    for (int i = 0; i < n * s.k.c; i++)
        s.k.alpha[i] = 0.2f + (float)gp_rng_uniform(&r);
    /* Every layer's gradients on, as tuning all layers has them. */
    CHECK(gp_net_enable_grads(net, 0, net->count, true), "enable grads");
    check_all(&s, net, split, "pixels + locality");
    if (argc > 1 && ref_exists(argv[1]) && (s.disc = load_disc(argv[1], &s)))
        check_all(&s, net, split, "+ adversarial");
    else
        printf("adversarial part skipped: no discriminator file (tests/disc_reference.py)\n");
    gp_net_enable_grads(net, 0, net->count, false);
    gp_disc_free(s.disc);
    free(s.pivot);
    free(s.near);
    free(s.y);
    free(s.anchor);
    free(s.dx);
    gp_composer_free(&s.k);
    gp_net_free(net);
    return CHECK_DONE();
}
