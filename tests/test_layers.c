/* test_layers.c — every layer kind against finite differences, plus a
 * few hand-computed forwards and shape checks.
 *
 * Gradient checks use the scalar loss L = sum(r ⊙ y) for a random r, so
 * dL/dy = r.  The analytic backward (dx and every parameter gradient)
 * is compared with central differences (L(v+eps) - L(v-eps)) / 2eps,
 * L summed in double, by the norm-wise relative error
 * |num - ana| / max(|num|, |ana|).  Inputs for piecewise ops (ReLU,
 * max-pool) stay away from their kinks and ties.  Scratch, outputs and
 * dx are filled with NaN before each call, so a layer that reads memory
 * it did not write, or forgets to overwrite dx, shows up as NaN.
 */
#include "check.h"
#include "nn/layer_kinds.h"
#include "nn/net.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers --------------------------------------------------- */

static gp_rng rng;

static float *falloc(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof(float));
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static void fill_nan(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = NAN;
}

static void fill_normal(float *p, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        p[i] = scale * gp_rng_normal(&rng);
}

/* |v| >= 0.2: no ReLU kink within a 1e-2 step. */
static void fill_away_from_zero(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = 0.2f + (float)gp_rng_uniform(&rng);
        p[i] = gp_rng_uniform(&rng) < 0.5 ? -v : v;
    }
}

/* A shuffled ladder of values 0.05 apart: no ties within a 1e-2 step. */
static void fill_distinct(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = 0.05f * (float)i - 0.025f * (float)n;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(gp_rng_uniform(&rng) * (double)i);
        float t = p[i - 1];
        p[i - 1] = p[j];
        p[j] = t;
    }
}

static bool all_finite(const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return false;
    return true;
}

static double rel_err(const double *num, const float *ana, size_t n)
{
    double d = 0, a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(num[i]))
            continue; /* a kink in the step: see numeric_grad */
        d += (num[i] - ana[i]) * (num[i] - ana[i]);
        a += num[i] * num[i];
        b += (double)ana[i] * ana[i];
    }
    double m = sqrt(a > b ? a : b);
    return m < 1e-12 ? sqrt(d) : sqrt(d) / m;
}

static void fill_params(gp_layer *l, float scale)
{
    for (int i = 0; i < l->nparams; i++)
        fill_normal(l->params[i].value, l->params[i].count, scale);
}

/* ---- the thing under test: one layer, or a trace ----------------------- */

typedef struct subject {
    const char *name;
    gp_shape in, out;
    /* a single layer ... */
    gp_layer *layer;
    float *scratch;
    size_t nscratch;
    /* ... or a trace */
    gp_trace *trace;
    /* layers whose params are checked */
    gp_layer *owners[4];
    int nowners;
} subject;

static bool subject_layer(subject *s, const char *name, gp_layer *l, gp_shape in)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->in = in;
    s->layer = l;
    s->owners[0] = l;
    s->nowners = 1;
    if (!l) {
        CHECK(false, "%s: constructor failed", name);
        return false;
    }
    if (!gp_layer_out_shape(l, in, &s->out)) {
        CHECK(false, "%s: out_shape rejected its input", name);
        return false;
    }
    s->nscratch = l->ops->scratch(l, in);
    s->scratch = falloc(s->nscratch);
    return true;
}

static void run_forward(subject *s, const float *x, float *y)
{
    fill_nan(y, gp_shape_count(s->out));
    if (s->trace) {
        memcpy(gp_trace_input(s->trace), x, gp_shape_count(s->in) * sizeof(float));
        const float *o = gp_trace_forward(s->trace);
        memcpy(y, o, gp_shape_count(s->out) * sizeof(float));
        return;
    }
    fill_nan(s->scratch, s->nscratch);
    s->layer->ops->forward(s->layer, s->in, x, y, s->scratch);
}

/* For a trace, x and y must be the ones of its last forward. */
static void run_backward(subject *s, const float *x, const float *y,
                         const float *dy, float *dx)
{
    if (dx)
        fill_nan(dx, gp_shape_count(s->in));
    if (s->trace) {
        gp_trace_backward(s->trace, dy, dx);
        return;
    }
    fill_nan(s->scratch, s->nscratch);
    s->layer->ops->backward(s->layer, s->in, x, y, dy, dx, s->scratch);
}

static double loss(subject *s, const float *x, float *y, const float *r)
{
    run_forward(s, x, y);
    double l = 0.0;
    for (size_t i = 0; i < gp_shape_count(s->out); i++)
        l += (double)r[i] * y[i];
    return l;
}

/* Central differences of L with respect to every element of v, the
 * values of param when param is non-NULL (each step is announced with
 * gp_param_changed, so layers rebuild the kernels they derive from it).
 *
 * A subject built only of linear and piecewise-linear ops (convs, ReLU,
 * leaky ReLU) is linear between kinks, so with pwl set an element whose
 * forward and backward one-sided differences disagree had a kink inside
 * its step; its num is set to NaN, which rel_err skips.  Internal
 * pre-activations cannot be kept off their kinks the way inputs can.
 * Returns how many elements were skipped. */
static void set_value(gp_param *param, float *v, size_t i, float value)
{
    v[i] = value;
    if (param)
        gp_param_changed(param);
}

static size_t numeric_grad(subject *s, gp_param *param, float *v, size_t n, float *x, float *y,
                           const float *r, float eps, bool pwl, double *num)
{
    size_t skipped = 0;
    const double l0 = loss(s, x, y, r);
    for (size_t i = 0; i < n; i++) {
        const float v0 = v[i];
        set_value(param, v, i, v0 + eps);
        const double up = (double)v[i] - v0; /* the step taken, in float */
        double lp = loss(s, x, y, r);
        set_value(param, v, i, v0 - eps);
        const double dn = (double)v0 - v[i];
        double lm = loss(s, x, y, r);
        set_value(param, v, i, v0);
        num[i] = (lp - lm) / (up + dn);
        const double fwd = (lp - l0) / up, bwd = (l0 - lm) / dn;
        if (pwl && fabs(fwd - bwd) > 1e-2 * (fabs(fwd) + fabs(bwd)) + 1e-2) {
            num[i] = NAN;
            skipped++;
        }
    }
    return skipped;
}

static bool is_constant_param(const gp_param *p)
{
    return !strcmp(p->role, "mean") || !strcmp(p->role, "var");
}

typedef enum input_kind { IN_NORMAL, IN_AWAY_FROM_ZERO, IN_DISTINCT } input_kind;

/* Kinks skipped by numeric_grad may be at most half of a tensor: a
 * first layer's bias moves every pre-activation of its channel, so some
 * of its steps cross a kink, but the rest must still be checked. */
static void check_skips(const subject *s, const char *what, size_t skipped, size_t n)
{
    CHECK(skipped * 2 <= n, "%s: %s: %zu of %zu differences straddle a kink",
          s->name, what, skipped, n);
}

/* The full gradient check of one subject; frees it. */
static void grad_check(subject *s, input_kind kind, bool pwl, float eps, double tol)
{
    if (!s->layer && !s->trace)
        return;
    const size_t nx = gp_shape_count(s->in), ny = gp_shape_count(s->out);
    float *x = falloc(nx), *y = falloc(ny), *r = falloc(ny), *dx = falloc(nx);
    double *num = malloc((nx > 4096 ? nx : 4096) * sizeof(double));
    if (kind == IN_DISTINCT)
        fill_distinct(x, nx);
    else if (kind == IN_AWAY_FROM_ZERO)
        fill_away_from_zero(x, nx);
    else
        fill_normal(x, nx, 1.0f);
    fill_normal(r, ny, 1.0f);
    for (int o = 0; o < s->nowners; o++) {
        CHECK(gp_layer_enable_grads(s->owners[o], true), "%s: enable grads", s->name);
        gp_layer_zero_grads(s->owners[o]);
    }

    run_forward(s, x, y);
    CHECK(all_finite(y, ny), "%s: forward left NaN/inf in y", s->name);
    run_backward(s, x, y, r, dx);
    CHECK(all_finite(dx, nx), "%s: backward left NaN/inf in dx", s->name);

    /* Params: keep the first gradient, then run backward again with
     * dx == NULL; the grads must have accumulated to exactly twice. */
    float *g1[4][GP_MAX_PARAMS] = { { 0 } };
    for (int o = 0; o < s->nowners; o++)
        for (int p = 0; p < s->owners[o]->nparams; p++) {
            const gp_param *pr = &s->owners[o]->params[p];
            g1[o][p] = falloc(pr->count);
            memcpy(g1[o][p], pr->grad, pr->count * sizeof(float));
        }
    run_forward(s, x, y); /* a trace's backward uses the last forward */
    run_backward(s, x, y, r, NULL);
    for (int o = 0; o < s->nowners; o++)
        for (int p = 0; p < s->owners[o]->nparams; p++) {
            const gp_param *pr = &s->owners[o]->params[p];
            double worst = 0.0;
            for (size_t i = 0; i < pr->count; i++) {
                double d = fabs((double)pr->grad[i] - 2.0 * g1[o][p][i]);
                double m = fabs(2.0 * g1[o][p][i]) + 1e-6;
                if (d / m > worst)
                    worst = d / m;
            }
            CHECK(worst < 1e-4, "%s: %s grad does not accumulate (err %g)",
                  s->name, pr->role, worst);
        }

    check_skips(s, "dx", numeric_grad(s, NULL, x, nx, x, y, r, eps, pwl, num), nx);
    double e = rel_err(num, dx, nx);
    CHECK(e < tol, "%s: dx rel err %g (tol %g)", s->name, e, tol);

    for (int o = 0; o < s->nowners; o++)
        for (int p = 0; p < s->owners[o]->nparams; p++) {
            gp_param *pr = &s->owners[o]->params[p];
            if (is_constant_param(pr)) {
                bool zero = true;
                for (size_t i = 0; i < pr->count; i++)
                    zero = zero && pr->grad[i] == 0.0f;
                CHECK(zero, "%s: %s is a constant but got a gradient", s->name, pr->role);
                continue;
            }
            double *pn = pr->count > 4096 ? malloc(pr->count * sizeof(double)) : num;
            check_skips(s, pr->role,
                        numeric_grad(s, pr, pr->value, pr->count, x, y, r, eps, pwl, pn),
                        pr->count);
            e = rel_err(pn, g1[o][p], pr->count);
            CHECK(e < tol, "%s: owner %d %s grad rel err %g (tol %g)", s->name, o,
                  pr->role, e, tol);
            if (pn != num)
                free(pn);
        }

    /* With grads off, dx must not change. */
    float *dx2 = falloc(nx);
    for (int o = 0; o < s->nowners; o++)
        gp_layer_enable_grads(s->owners[o], false);
    run_forward(s, x, y);
    run_backward(s, x, y, r, dx2);
    CHECK(!memcmp(dx, dx2, nx * sizeof(float)), "%s: dx depends on grads being on",
          s->name);

    for (int o = 0; o < s->nowners; o++)
        for (int p = 0; p < s->owners[o]->nparams; p++)
            free(g1[o][p]);
    free(x);
    free(y);
    free(r);
    free(dx);
    free(dx2);
    free(num);
    free(s->scratch);
    if (s->layer)
        gp_layer_free(s->layer);
}

/* ---- gradient checks, one kind at a time ------------------------------- */

static void check_layer(const char *name, gp_layer *l, gp_shape in,
                        input_kind kind, float eps, double tol)
{
    subject s;
    if (l)
        fill_params(l, 0.5f);
    if (subject_layer(&s, name, l, in))
        grad_check(&s, kind, false, eps, tol);
    else
        gp_layer_free(l);
}

static void grads_conv2d(void)
{
    static const struct { int cin, cout, k, s, p; bool bias; int n, h, w; } c[] = {
        { 3, 2, 1, 1, 0, true, 1, 5, 5 },   /* col is the input itself */
        { 3, 2, 1, 1, 0, true, 3, 5, 4 },
        { 2, 3, 1, 2, 0, false, 3, 5, 5 },
        { 2, 3, 3, 1, 1, true, 1, 6, 5 },
        { 2, 3, 3, 2, 1, false, 3, 7, 6 },
        { 2, 2, 3, 2, 0, true, 3, 7, 7 },
        { 2, 2, 3, 1, 3, true, 1, 4, 5 },
        { 2, 2, 4, 2, 1, true, 3, 8, 8 },
        { 1, 2, 4, 2, 3, true, 3, 5, 5 },
        { 2, 2, 4, 1, 0, false, 1, 4, 6 },
        /* stride 1, input gradient as a flipped convolution: batches,
         * even kernels, padding up to k - 1 */
        { 2, 3, 3, 1, 1, true, 3, 6, 5 },
        { 3, 2, 4, 1, 2, false, 2, 5, 6 },
        { 2, 2, 3, 1, 2, true, 2, 4, 4 },
        { 2, 3, 1, 1, 0, true, 2, 3, 3 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "conv2d #%zu (k%d s%d p%d n%d)", i, c[i].k, c[i].s,
                 c[i].p, c[i].n);
        check_layer(name, gp_conv2d_new(c[i].cin, c[i].cout, c[i].k, c[i].s, c[i].p,
                                        c[i].bias),
                    (gp_shape){ c[i].n, c[i].cin, c[i].h, c[i].w }, IN_NORMAL, 1e-2f,
                    1e-2);
    }
}

/* The faster paths a prepared layer takes (conv2d.c, upconv2d.c); their
 * agreement with the plain paths: test_conv_paths.c. */
static void check_prepared(const char *name, gp_layer *l, gp_conv_path path, gp_shape in)
{
    subject s;
    const bool up = !strcmp(l->ops->kind, "upconv2d");
    fill_params(l, 0.5f);
    if (up)
        gp_upconv2d_force_path(l, path);
    else
        gp_conv2d_force_path(l, path);
    CHECK(gp_layer_prepare(l, in), "%s: prepare", name);
    CHECK((up ? gp_upconv2d_path(l, in) : gp_conv2d_path(l, in)) == path, "%s: not on its path",
          name);
    if (subject_layer(&s, name, l, in))
        grad_check(&s, IN_NORMAL, false, 1e-2f, 1e-2);
}

static void grads_fast_paths(void)
{
    static const struct { gp_conv_path path; int cin, cout, k, s, p, n, h, w; } c[] = {
        { GP_CONV_PIXEL, 3, 2, 4, 1, 3, 3, 1, 1 },  /* a generator's first layer */
        { GP_CONV_PIXEL, 2, 3, 3, 2, 2, 2, 1, 1 },
        { GP_CONV_WINO2, 2, 3, 3, 1, 1, 2, 5, 6 },
        { GP_CONV_WINO2, 3, 2, 3, 1, 0, 1, 7, 4 },
        { GP_CONV_WINO2, 2, 2, 3, 1, 2, 3, 3, 2 },
        { GP_CONV_WINO4, 2, 3, 3, 1, 1, 2, 7, 6 },
        { GP_CONV_WINO4, 3, 2, 3, 1, 0, 1, 9, 5 },
        { GP_CONV_WINO4, 2, 2, 3, 1, 2, 2, 2, 3 },
    };
    static const char *names[] = { "im2col", "pixel", "wino2", "wino4" };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "conv2d %s #%zu (k%d s%d p%d n%d %dx%d)", names[c[i].path], i,
                 c[i].k, c[i].s, c[i].p, c[i].n, c[i].h, c[i].w);
        check_prepared(name, gp_conv2d_new(c[i].cin, c[i].cout, c[i].k, c[i].s, c[i].p, true),
                       c[i].path, (gp_shape){ c[i].n, c[i].cin, c[i].h, c[i].w });
    }
    check_prepared("upconv2d, phase kernels kept", gp_upconv2d_new(3, 2, true), GP_CONV_IM2COL,
                   (gp_shape){ 2, 3, 3, 4 });
    check_prepared("upconv2d wino2", gp_upconv2d_new(3, 2, true), GP_CONV_WINO2,
                   (gp_shape){ 2, 3, 3, 4 });
    check_prepared("upconv2d wino4", gp_upconv2d_new(2, 3, true), GP_CONV_WINO4,
                   (gp_shape){ 1, 2, 5, 3 });
}

static void grads_conv_transpose2d(void)
{
    static const struct { int cin, cout, k, s, pb, pe; bool bias; int n, h, w; } c[] = {
        { 3, 2, 4, 2, 1, 1, true, 1, 3, 4 },  /* PyTorch DCGAN */
        { 3, 2, 4, 2, 1, 1, false, 3, 3, 3 },
        { 2, 3, 3, 2, 0, 1, true, 1, 3, 3 },  /* Keras "same" */
        { 2, 3, 3, 2, 0, 1, false, 3, 4, 3 },
        { 2, 2, 3, 2, 0, 0, true, 3, 3, 3 },  /* Keras "valid" */
        { 2, 2, 3, 1, 1, 1, true, 2, 4, 4 },
        { 2, 2, 4, 1, 0, 0, false, 1, 1, 1 }, /* 1x1 -> 4x4 latent stem */
        { 1, 2, 5, 3, 2, 1, true, 2, 3, 2 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "conv_transpose2d #%zu (k%d s%d p%d/%d n%d)", i,
                 c[i].k, c[i].s, c[i].pb, c[i].pe, c[i].n);
        check_layer(name,
                    gp_conv_transpose2d_new(c[i].cin, c[i].cout, c[i].k, c[i].s,
                                            c[i].pb, c[i].pe, c[i].bias),
                    (gp_shape){ c[i].n, c[i].cin, c[i].h, c[i].w }, IN_NORMAL, 1e-2f,
                    1e-2);
    }
}

static void grads_misc(void)
{
    check_layer("dense n1", gp_dense_new(12, 2, 2, 3, true), (gp_shape){ 1, 3, 2, 2 },
                IN_NORMAL, 1e-2f, 1e-2);
    check_layer("dense n3", gp_dense_new(12, 5, 1, 1, true), (gp_shape){ 3, 12, 1, 1 },
                IN_NORMAL, 1e-2f, 1e-2);
    check_layer("dense no bias", gp_dense_new(6, 2, 2, 2, false),
                (gp_shape){ 2, 1, 2, 3 }, IN_NORMAL, 1e-2f, 1e-2);
    check_layer("upsample2", gp_upsample2_new(), (gp_shape){ 2, 3, 3, 4 }, IN_NORMAL,
                1e-2f, 1e-2);
    check_layer("avgpool k2 s2", gp_avgpool_new(2, 2), (gp_shape){ 2, 2, 5, 4 },
                IN_NORMAL, 1e-2f, 1e-2);
    check_layer("avgpool k3 s1", gp_avgpool_new(3, 1), (gp_shape){ 1, 2, 5, 6 },
                IN_NORMAL, 1e-2f, 1e-2);
    check_layer("maxpool k2 s2", gp_maxpool_new(2, 2), (gp_shape){ 2, 2, 5, 4 },
                IN_DISTINCT, 1e-2f, 1e-2);
    check_layer("maxpool k3 s2", gp_maxpool_new(3, 2), (gp_shape){ 2, 3, 7, 7 },
                IN_DISTINCT, 1e-2f, 1e-2);
    check_layer("pixelnorm", gp_pixelnorm_new(1e-8f), (gp_shape){ 2, 4, 3, 3 },
                IN_NORMAL, 1e-2f, 1e-2);
    check_layer("bias", gp_bias_new(3), (gp_shape){ 2, 3, 2, 3 }, IN_NORMAL, 1e-2f,
                1e-2);
    check_layer("chanscale", gp_chanscale_new(3), (gp_shape){ 2, 3, 2, 3 }, IN_NORMAL,
                1e-2f, 1e-2);

    static const struct { gp_act kind; float slope; const char *name; input_kind in; } a[] = {
        { GP_ACT_LINEAR, 0.0f, "linear", IN_NORMAL },
        { GP_ACT_RELU, 0.0f, "relu", IN_AWAY_FROM_ZERO },
        { GP_ACT_LRELU, 0.2f, "lrelu", IN_AWAY_FROM_ZERO },
        { GP_ACT_ELU, 1.0f, "elu", IN_AWAY_FROM_ZERO },
        { GP_ACT_ELU, 0.5f, "elu alpha 0.5", IN_AWAY_FROM_ZERO },
        { GP_ACT_TANH, 0.0f, "tanh", IN_NORMAL },
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
        check_layer(a[i].name, gp_activation_new(a[i].kind, a[i].slope),
                    (gp_shape){ 2, 3, 3, 2 }, a[i].in, 1e-2f, 1e-2);

    gp_layer *bn = gp_batchnorm_new(3, 1e-5f);
    subject s;
    if (subject_layer(&s, "batchnorm", bn, (gp_shape){ 2, 3, 2, 3 })) {
        fill_params(bn, 0.5f);
        for (int c = 0; c < 3; c++)
            bn->params[3].value[c] = 0.5f + (float)gp_rng_uniform(&rng);
        grad_check(&s, IN_NORMAL, false, 1e-2f, 1e-2);
    } else {
        gp_layer_free(bn);
    }
}

static void grads_fire(int n)
{
    gp_layer *f = gp_fire_new(3, 2, 3, 2);
    subject s;
    char name[32];
    snprintf(name, sizeof name, "fire n%d", n);
    if (!subject_layer(&s, name, f, (gp_shape){ n, 3, 4, 5 })) {
        gp_layer_free(f);
        return;
    }
    CHECK(f->nparams == 0, "fire: nparams %d, want 0", f->nparams);
    s.nowners = 0;
    for (int p = 0; p < 3; p++) {
        gp_layer *part = gp_fire_part(f, p);
        CHECK(part && part->nparams == 2, "fire part %d", p);
        if (!part)
            return;
        fill_params(part, 0.7f);
        /* positive biases keep most units alive, so every branch counts */
        for (size_t i = 0; i < part->params[1].count; i++)
            part->params[1].value[i] = 0.3f + 0.2f * (float)gp_rng_uniform(&rng);
        s.owners[s.nowners++] = part;
    }
    CHECK(gp_fire_part(f, 3) == NULL, "fire part 3 should not exist");
    grad_check(&s, IN_NORMAL, true, 3e-3f, 1e-2);
}

/* conv2d -> lrelu -> conv_transpose2d through a trace, over the whole
 * net and over its tail [1, 3). */
static void grads_trace(void)
{
    gp_net *net = gp_net_new((gp_shape){ 1, 2, 5, 5 });
    gp_layer *c = gp_conv2d_new(2, 3, 3, 1, 1, true);
    gp_layer *a = gp_activation_new(GP_ACT_LRELU, 0.2f);
    gp_layer *t = gp_conv_transpose2d_new(3, 2, 4, 2, 1, 1, true);
    CHECK(net && c && a && t, "trace: constructors");
    if (!net || !c || !a || !t)
        return;
    fill_params(c, 0.5f);
    fill_params(t, 0.5f);
    CHECK(gp_net_append(net, c, true) && gp_net_append(net, a, false) &&
          gp_net_append(net, t, true), "trace: append");
    CHECK(net->count == 3 && net->nblocks == 2 && gp_net_block_layer(net, 1) == 2 &&
          gp_net_block_layer(net, 2) == 3, "trace: blocks");
    gp_shape out;
    CHECK(gp_net_shape_at(net, 3, 2, &out) && out.n == 2 && out.c == 2 &&
          out.h == 10 && out.w == 10, "trace: shape_at");

    for (int from = 0; from <= 1; from++) {
        gp_shape in;
        gp_net_shape_at(net, from, 2, &in);
        subject s = { .name = from ? "trace [1,3)" : "trace [0,3)", .in = in };
        s.trace = gp_trace_new(net, from, 3, in);
        CHECK(s.trace != NULL, "%s: gp_trace_new", s.name);
        if (!s.trace)
            continue;
        s.out = gp_trace_out_shape(s.trace);
        for (int i = from; i < 3; i++)
            s.owners[s.nowners++] = net->layers[i];

        /* the trace's forward is the layers run one by one */
        float *x = falloc(gp_shape_count(in));
        fill_normal(x, gp_shape_count(in), 1.0f);
        memcpy(gp_trace_input(s.trace), x, gp_shape_count(in) * sizeof(float));
        const float *y = gp_trace_forward(s.trace);
        gp_shape sh = in;
        float *cur = x;
        for (int i = from; i < 3; i++) {
            const gp_layer *l = net->layers[i];
            gp_shape o;
            gp_layer_out_shape(l, sh, &o);
            float *nx = falloc(gp_shape_count(o)), *sc = falloc(l->ops->scratch(l, sh));
            l->ops->forward(l, sh, cur, nx, sc);
            free(sc);
            if (cur != x)
                free(cur);
            cur = nx;
            sh = o;
        }
        CHECK(!memcmp(cur, y, gp_shape_count(sh) * sizeof(float)),
              "%s: forward differs from the layers run by hand", s.name);
        free(cur);
        free(x);

        grad_check(&s, IN_NORMAL, true, 3e-3f, 1e-2);
        gp_trace_free(s.trace);
    }
    gp_net_free(net);
}

/* ---- exact forwards ---------------------------------------------------- */

static bool near(float a, float b) { return fabsf(a - b) <= 1e-5f * (1.0f + fabsf(b)); }

static void expect(const char *name, const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!near(got[i], want[i])) {
            CHECK(false, "%s: [%zu] = %g, want %g", name, i, got[i], want[i]);
            return;
        }
    CHECK(true, "%s", name);
}

/* Runs l on x (shape in) into a fresh y; NULL when in is rejected. */
static float *forward_once(gp_layer *l, gp_shape in, const float *x, gp_shape *out)
{
    if (!l || !gp_layer_out_shape(l, in, out))
        return NULL;
    float *y = falloc(gp_shape_count(*out)), *sc = falloc(l->ops->scratch(l, in));
    fill_nan(y, gp_shape_count(*out));
    fill_nan(sc, l->ops->scratch(l, in));
    l->ops->forward(l, in, x, y, sc);
    free(sc);
    return y;
}

static void exact_forwards(void)
{
    gp_shape o;
    const float img3[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    /* 3x3 box filter, pad 1, bias 0.5 */
    gp_layer *c = gp_conv2d_new(1, 1, 3, 1, 1, true);
    for (int i = 0; i < 9; i++)
        c->params[0].value[i] = 1.0f;
    c->params[1].value[0] = 0.5f;
    float *y = forward_once(c, (gp_shape){ 1, 1, 3, 3 }, img3, &o);
    const float box[9] = { 12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f };
    CHECK(y && o.h == 3 && o.w == 3, "conv box: shape");
    if (y)
        expect("conv box", y, box, 9);
    free(y);
    gp_layer_free(c);

    /* a kernel that picks the top-left neighbour, stride 2, pad 1 */
    c = gp_conv2d_new(1, 1, 3, 2, 1, false);
    c->params[0].value[0] = 2.0f;
    y = forward_once(c, (gp_shape){ 1, 1, 3, 3 }, img3, &o);
    const float tl[4] = { 0, 0, 0, 10 };
    CHECK(y && o.h == 2 && o.w == 2, "conv shift: shape");
    if (y)
        expect("conv shift", y, tl, 4);
    free(y);
    gp_layer_free(c);

    /* pools of a known 4x4 */
    const float p4[16] = { 1, 5, 2, 0, 3, 4, 8, 1, 9, 0, 6, 7, 2, 2, 3, 5 };
    gp_layer *mp = gp_maxpool_new(2, 2), *ap = gp_avgpool_new(2, 2);
    y = forward_once(mp, (gp_shape){ 1, 1, 4, 4 }, p4, &o);
    const float mx[4] = { 5, 8, 9, 7 };
    if (y)
        expect("maxpool 4x4", y, mx, 4);
    free(y);
    y = forward_once(ap, (gp_shape){ 1, 1, 4, 4 }, p4, &o);
    const float av[4] = { 3.25f, 2.75f, 3.25f, 5.25f };
    if (y)
        expect("avgpool 4x4", y, av, 4);
    free(y);
    /* floor mode: a 5x5 input drops its last row and column */
    CHECK(gp_layer_out_shape(mp, (gp_shape){ 1, 1, 5, 5 }, &o) && o.h == 2 && o.w == 2,
          "maxpool floor mode");

    /* max backward on ties: all to the first maximum of each window */
    const float flat[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const float g4[4] = { 1, 2, 3, 4 };
    float d[16], yy[4];
    mp->ops->forward(mp, (gp_shape){ 1, 1, 4, 4 }, flat, yy, NULL);
    mp->ops->backward(mp, (gp_shape){ 1, 1, 4, 4 }, flat, yy, g4, d, NULL);
    const float tie[16] = { 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0 };
    expect("maxpool ties", d, tie, 16);
    gp_layer_free(mp);
    gp_layer_free(ap);

    /* transposed conv of a delta stamps the kernel, cropped */
    gp_layer *t = gp_conv_transpose2d_new(1, 1, 4, 2, 1, 1, false);
    for (int i = 0; i < 16; i++)
        t->params[0].value[i] = (float)(i + 1);
    const float delta11[4] = { 0, 0, 0, 1 };
    y = forward_once(t, (gp_shape){ 1, 1, 2, 2 }, delta11, &o);
    CHECK(y && o.h == 4 && o.w == 4, "convT k4s2p1: shape");
    if (y) { /* full 6x6 output: kernel at rows/cols 2..5; crop 1 per side */
        float want[16] = { 0 };
        for (int r = 1; r < 4; r++)
            for (int q = 1; q < 4; q++)
                want[r * 4 + q] = (float)((r - 1) * 4 + (q - 1) + 1);
        expect("convT k4s2p1 delta", y, want, 16);
    }
    free(y);
    gp_layer_free(t);

    t = gp_conv_transpose2d_new(1, 1, 3, 2, 0, 1, true);
    for (int i = 0; i < 9; i++)
        t->params[0].value[i] = (float)(i + 1);
    t->params[1].value[0] = -1.0f;
    const float delta00[4] = { 2, 0, 0, 0 };
    y = forward_once(t, (gp_shape){ 1, 1, 2, 2 }, delta00, &o);
    CHECK(y && o.h == 4 && o.w == 4, "convT keras same: shape");
    if (y) {
        float want[16];
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < 4; q++)
                want[r * 4 + q] = (r < 3 && q < 3 ? 2.0f * (float)(r * 3 + q + 1) : 0.0f)
                                  - 1.0f;
        expect("convT keras same delta", y, want, 16);
    }
    free(y);
    gp_layer_free(t);

    /* upsample */
    const float u2[4] = { 1, 2, 3, 4 };
    gp_layer *u = gp_upsample2_new();
    y = forward_once(u, (gp_shape){ 1, 1, 2, 2 }, u2, &o);
    const float up[16] = { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 };
    if (y)
        expect("upsample2", y, up, 16);
    free(y);
    gp_layer_free(u);

    /* pixelnorm of (3, 4) at one pixel: mean square 12.5 */
    const float v34[2] = { 3, 4 };
    gp_layer *pn = gp_pixelnorm_new(0.0f);
    y = forward_once(pn, (gp_shape){ 1, 2, 1, 1 }, v34, &o);
    const float pnw[2] = { 3.0f / sqrtf(12.5f), 4.0f / sqrtf(12.5f) };
    if (y)
        expect("pixelnorm", y, pnw, 2);
    free(y);
    gp_layer_free(pn);

    /* dense: W = [[1,2,3],[4,5,6]], b = [1,-1] */
    gp_layer *dn = gp_dense_new(3, 2, 1, 1, true);
    for (int i = 0; i < 6; i++)
        dn->params[0].value[i] = (float)(i + 1);
    dn->params[1].value[0] = 1.0f;
    dn->params[1].value[1] = -1.0f;
    const float dx3[6] = { 1, 0, -1, 2, 1, 0 };
    y = forward_once(dn, (gp_shape){ 2, 3, 1, 1 }, dx3, &o);
    const float dnw[4] = { -1, -3, 5, 12 };
    if (y)
        expect("dense", y, dnw, 4);
    free(y);
    gp_layer_free(dn);

    /* batchnorm: (x - 1) / sqrt(4) * 3 + 0.5 */
    gp_layer *bn = gp_batchnorm_new(1, 0.0f);
    bn->params[0].value[0] = 3.0f;
    bn->params[1].value[0] = 0.5f;
    bn->params[2].value[0] = 1.0f;
    bn->params[3].value[0] = 4.0f;
    const float b3[3] = { 1, 3, -1 };
    y = forward_once(bn, (gp_shape){ 1, 1, 1, 3 }, b3, &o);
    const float bnw[3] = { 0.5f, 3.5f, -2.5f };
    if (y)
        expect("batchnorm", y, bnw, 3);
    free(y);
    gp_layer_free(bn);
}

/* conv_transpose2d is the adjoint of conv2d with the same weights:
 * <convT(x), z> = <x, conv(z)>. */
static void adjoint_check(int k, int s, int p, int h)
{
    gp_layer *t = gp_conv_transpose2d_new(3, 2, k, s, p, p, false);
    gp_layer *c = gp_conv2d_new(2, 3, k, s, p, false);
    fill_params(t, 1.0f);
    memcpy(c->params[0].value, t->params[0].value, t->params[0].count * sizeof(float));
    gp_shape xs = { 2, 3, h, h }, ts, cs;
    float *x = falloc(gp_shape_count(xs));
    fill_normal(x, gp_shape_count(xs), 1.0f);
    float *tx = forward_once(t, xs, x, &ts);
    float *z = falloc(gp_shape_count(ts));
    fill_normal(z, gp_shape_count(ts), 1.0f);
    float *cz = forward_once(c, ts, z, &cs);
    CHECK(cs.c == xs.c && cs.h == xs.h && cs.w == xs.w, "adjoint k%d s%d p%d: shapes", k,
          s, p);
    double a = 0, b = 0, m = 0;
    for (size_t i = 0; i < gp_shape_count(ts); i++) {
        a += (double)tx[i] * z[i];
        m += fabs((double)tx[i] * z[i]);
    }
    for (size_t i = 0; i < gp_shape_count(xs); i++)
        b += (double)x[i] * cz[i];
    CHECK(fabs(a - b) <= 1e-5 * m, "adjoint k%d s%d p%d: %g vs %g", k, s, p, a, b);
    free(x);
    free(tx);
    free(z);
    free(cz);
    gp_layer_free(t);
    gp_layer_free(c);
}

/* ---- shapes and arguments ---------------------------------------------- */

static void shape_checks(void)
{
    gp_shape o = { 7, 7, 7, 7 }, in = { 2, 3, 8, 8 };
    gp_layer *ls[] = {
        gp_conv2d_new(4, 2, 3, 1, 1, true),
        gp_conv_transpose2d_new(4, 2, 4, 2, 1, 1, true),
        gp_bias_new(4),
        gp_chanscale_new(4),
        gp_batchnorm_new(4, 1e-5f),
        gp_fire_new(4, 2, 2, 2),
        gp_dense_new(4 * 8 * 8, 2, 1, 1, false),
    };
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++) {
        CHECK(ls[i] != NULL, "shape check layer %zu: constructor", i);
        if (!ls[i])
            continue;
        o = (gp_shape){ 7, 7, 7, 7 };
        bool ok = gp_layer_out_shape(ls[i], in, &o);
        CHECK(!ok && o.n == 7 && o.c == 7, "%s accepts 3 channels where 4 are due",
              ls[i]->ops->kind);
        CHECK(gp_layer_out_shape(ls[i], (gp_shape){ 2, 4, 8, 8 }, &o),
              "%s rejects its right input", ls[i]->ops->kind);
        gp_layer_free(ls[i]);
    }
    gp_layer *c = gp_conv2d_new(3, 2, 4, 2, 1, false);
    CHECK(gp_layer_out_shape(c, in, &o) && o.n == 2 && o.c == 2 && o.h == 4 && o.w == 4,
          "conv k4 s2 p1 of 8x8");
    CHECK(!gp_layer_out_shape(c, (gp_shape){ 1, 3, 1, 1 }, &o), "conv of 1x1 with k4 p1");
    gp_layer_free(c);
    gp_layer *t = gp_conv_transpose2d_new(3, 2, 3, 2, 0, 1, false);
    CHECK(gp_layer_out_shape(t, in, &o) && o.h == 16 && o.w == 16, "convT keras same");
    gp_layer_free(t);
    gp_layer *p = gp_avgpool_new(3, 2);
    CHECK(!gp_layer_out_shape(p, (gp_shape){ 1, 1, 2, 5 }, &o), "pool larger than input");
    gp_layer_free(p);

    CHECK(!gp_conv2d_new(0, 1, 3, 1, 1, true), "conv cin 0");
    CHECK(!gp_conv2d_new(1, 1, 3, 0, 1, true), "conv stride 0");
    CHECK(!gp_conv_transpose2d_new(1, 1, 3, 2, -1, 0, true), "convT negative pad");
    CHECK(!gp_maxpool_new(0, 1), "pool k 0");
    CHECK(!gp_dense_new(0, 1, 1, 1, true), "dense in 0");
    CHECK(!gp_fire_new(3, 0, 1, 1), "fire squeeze 0");
    CHECK(!gp_activation_new((gp_act)99, 0.0f), "activation kind 99");
    gp_layer *b = gp_bias_new(2);
    CHECK(gp_fire_part(b, 0) == NULL, "fire_part of a bias layer");
    gp_layer_free(b);
}

int main(void)
{
    gp_rng_seed(&rng, 20240611);
    exact_forwards();
    adjoint_check(4, 2, 1, 3);
    adjoint_check(3, 1, 1, 4);
    adjoint_check(3, 2, 0, 3);
    shape_checks();
    grads_conv2d();
    grads_fast_paths();
    grads_conv_transpose2d();
    grads_misc();
    grads_fire(1);
    grads_fire(2);
    grads_trace();
    return CHECK_DONE();
}
