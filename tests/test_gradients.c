/* test_gradients.c — the inversion's own gradients against finite
 * differences: the task degradations (adjoint identity), the multi-code
 * composition (codes and channel importances) through a small PGGAN. */
#include "check.h"
#include "invert/compose.h"
#include "loss/degrade.h"
#include "core/rng.h"
#include "testmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

static void fill(gp_rng *r, float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = gp_rng_normal(r);
}

/* <D x, y> == <x, Dᵀ y> for every task: the adjoint is the gradient. */
static void test_degrade_adjoints(void)
{
    const int h = 16, w = 16;
    gp_rng r;
    gp_rng_seed(&r, 5);
    float keep[16 * 16];
    for (int i = 0; i < h * w; i++)
        keep[i] = (float)(gp_rng_uniform(&r) > 0.3);
    for (int t = GP_TASK_RECONSTRUCT; t <= GP_TASK_SUPERRES; t++) {
        gp_degrade d = { (gp_task)t, h, w, 4, keep };
        size_t n = (size_t)3 * h * w, m = gp_shape_count(gp_degrade_shape(&d));
        float *x = malloc(n * sizeof(float)), *y = malloc(m * sizeof(float));
        float *dx = malloc(n * sizeof(float)), *dy = malloc(m * sizeof(float));
        fill(&r, x, n);
        fill(&r, y, m);
        gp_degrade_forward(&d, x, dy);
        gp_degrade_adjoint(&d, y, dx);
        double a = dot(dy, y, m), b = dot(x, dx, n);
        CHECK(fabs(a - b) <= 1e-4 * (fabs(a) + 1.0), "task %d: <Dx,y>=%g but <x,D'y>=%g", t, a, b);
        free(x);
        free(y);
        free(dx);
        free(dy);
    }
    /* Colorize gives the luminance on each channel; superres box-means. */
    float x[3 * 4 * 4], y[3 * 4 * 4];
    for (int i = 0; i < 48; i++)
        x[i] = (float)(i / 16 + 1); /* R=1, G=2, B=3 */
    gp_degrade g = { GP_TASK_COLORIZE, 4, 4, 1, NULL };
    gp_degrade_forward(&g, x, y);
    CHECK(fabsf(y[0] - 1.815f) < 1e-5f && y[0] == y[16] && y[0] == y[32], "gray of (1,2,3) is %g", y[0]);
    gp_degrade s = { GP_TASK_SUPERRES, 4, 4, 2, NULL };
    for (int i = 0; i < 48; i++)
        x[i] = (float)i;
    gp_degrade_forward(&s, x, y);
    CHECK(y[0] == 2.5f && y[1] == 4.5f && y[4] == 18.5f, "box reduction gives %g %g %g", y[0], y[1], y[4]);
}

/* L = <r, G2(sum alpha*G1(z))>; compare dL/dz, dL/dalpha with central
 * differences in float, using a norm-wise relative error. */
static float loss_of(gp_composer *k, const float *r, size_t n)
{
    return (float)dot(gp_composer_forward(k), r, n);
}

static void check_param(gp_composer *k, const float *r, size_t npix, float *v, const float *g,
                        size_t count, const char *what)
{
    double num = 0.0, den = 0.0;
    const float eps = 1e-2f;
    for (size_t i = 0; i < count; i += count / 24 + 1) {
        float keep = v[i];
        v[i] = keep + eps;
        float lp = loss_of(k, r, npix);
        v[i] = keep - eps;
        float lm = loss_of(k, r, npix);
        v[i] = keep;
        double fd = (lp - lm) / (2.0 * eps);
        num += (fd - g[i]) * (fd - g[i]);
        den += fd * fd;
    }
    double rel = sqrt(num / (den + 1e-20));
    printf("%s: relative error %.2g\n", what, rel);
    CHECK(rel < 2e-2, "%s: relative gradient error %.3g", what, rel);
}

static void test_composer(void)
{
    const int channels[3] = { 32, 16, 8 };
    gp_net *net = testmodel_pggan_net(16, 24, channels, 2, true, NULL, NULL);
    CHECK(net != NULL, "cannot build the test network");
    if (!net)
        return;
    int splits[3] = { 0, gp_net_block_layer(net, 3), gp_net_block_layer(net, 5) };
    for (int s = 0; s < 3; s++) {
        gp_composer k;
        int n = splits[s] ? 3 : 1;
        CHECK(gp_composer_init(&k, net, splits[s], n), "composer init at %d", splits[s]);
        gp_rng r;
        gp_rng_seed(&r, 9);
        fill(&r, k.z, (size_t)n * k.latent);
        for (int i = 0; i < n * k.c; i++)
            k.alpha[i] = 0.2f + (float)gp_rng_uniform(&r);
        gp_shape os;
        gp_net_shape_at(net, net->count, 1, &os);
        size_t npix = gp_shape_count(os);
        float *rr = malloc(npix * sizeof(float));
        fill(&r, rr, npix);
        gp_composer_forward(&k);
        gp_composer_backward(&k, rr);
        float *dz = malloc((size_t)n * k.latent * sizeof(float)), *da = malloc((size_t)n * k.c * sizeof(float));
        memcpy(dz, k.dz, (size_t)n * k.latent * sizeof(float));
        memcpy(da, k.dalpha, (size_t)n * k.c * sizeof(float));
        char what[64];
        snprintf(what, sizeof what, "dz (split layer %d)", splits[s]);
        check_param(&k, rr, npix, k.z, dz, (size_t)n * k.latent, what);
        if (splits[s]) {
            snprintf(what, sizeof what, "dalpha (split layer %d)", splits[s]);
            check_param(&k, rr, npix, k.alpha, da, (size_t)n * k.c, what);
        }
        free(rr);
        free(dz);
        free(da);
        gp_composer_free(&k);
    }
    gp_net_free(net);
}

int main(void)
{
    test_degrade_adjoints();
    test_composer();
    return CHECK_DONE();
}
