/* test_tune_gradients.c — the weight gradients generator tuning (PTI)
 * descends, against finite differences: a tuning-shaped loss (pixels of
 * the composed image against a target, plus a locality term at nearby
 * codes) through the multi-code composer of a small smooth PGGAN, for
 * a few weights and biases of G2 and, through the composition, of G1. */
#include "check.h"
#include "compose.h"
#include "rng.h"
#include "testmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct setup {
    gp_composer k;
    float *pivot, *near; /* codes */
    float *y, *anchor;   /* targets of the two terms */
    float *dx;
    size_t npix, ncodes;
} setup;

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

/* L = mean((G(pivot) - y)^2) + 0.1 mean((G(near) - anchor)^2); with
 * grads, adds dL/dtheta into the enabled weight gradients. */
static float loss(setup *s, bool grads)
{
    memcpy(s->k.z, s->pivot, s->ncodes * sizeof(float));
    float l = sq_term(gp_composer_forward(&s->k), s->y, s->npix, 1.0f, s->dx);
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
        double lp = loss(s, false);
        p->value[i] = keep - eps;
        double lm = loss(s, false);
        p->value[i] = keep;
        double fd = (lp - lm) / (2.0 * eps);
        num += (fd - p->grad[i]) * (fd - p->grad[i]);
        den += fd * fd;
    }
    double rel = sqrt(num / (den + 1e-20));
    printf("%s: relative error %.2g\n", what, rel);
    CHECK(den > 0.0, "%s: zero gradient, nothing checked", what);
    CHECK(rel < 2e-2, "%s: relative gradient error %.3g", what, rel);
}

int main(void)
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
    gp_net_zero_grads(net, 0, net->count);
    loss(&s, true);
    for (int i = 0; i < net->count; i++) {
        gp_layer *l = net->layers[i];
        for (int q = 0; q < l->nparams; q++) {
            char what[96];
            snprintf(what, sizeof what, "layer %d (%s, %s) %s", i, l->ops->kind,
                     i < split ? "G1" : "G2", l->params[q].role);
            check_param(&s, &l->params[q], what);
        }
    }
    gp_net_enable_grads(net, 0, net->count, false);
    free(s.pivot);
    free(s.near);
    free(s.y);
    free(s.anchor);
    free(s.dx);
    gp_composer_free(&s.k);
    gp_net_free(net);
    return CHECK_DONE();
}
