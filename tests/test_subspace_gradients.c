/* test_subspace_gradients.c — the masked (per-subspace) composition of
 * PmSFC against finite differences through a small smooth PGGAN: dz and
 * dalpha of every code, zero dalpha where a code does not feed a
 * channel, and the forward equal to the plain composition with the
 * mask folded into alpha. */
#include "check.h"
#include "invert/compose.h"
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

/* Central differences of L = <r, G(...)> at a spread of entries of v,
 * norm-wise relative error against g. */
static double fd_error(gp_composer *k, const float *r, size_t npix, float *v, const float *g,
                       size_t count, bool only_nonzero)
{
    double num = 0.0, den = 0.0;
    const float eps = 1e-2f;
    for (size_t i = 0; i < count; i += count / 40 + 1) {
        if (only_nonzero && k->mask[i] == 0.0f)
            continue;
        float keep = v[i];
        v[i] = keep + eps;
        double lp = dot(gp_composer_forward(k), r, npix);
        v[i] = keep - eps;
        double lm = dot(gp_composer_forward(k), r, npix);
        v[i] = keep;
        double fd = (lp - lm) / (2.0 * eps);
        num += (fd - g[i]) * (fd - g[i]);
        den += fd * fd;
    }
    return sqrt(num / (den + 1e-20));
}

int main(void)
{
    const int channels[3] = { 32, 16, 8 };
    gp_net *net = testmodel_pggan_net(16, 24, channels, 2, true, NULL, NULL);
    CHECK(net != NULL, "cannot build the test network");
    if (!net)
        return CHECK_DONE();
    enum { K = 3, P = 2, N = K * P + 1 };
    const int split = gp_net_block_layer(net, 3);
    gp_composer k, plain;
    CHECK(gp_composer_init(&k, net, split, N) && gp_composer_init(&plain, net, split, N), "init");
    int labels[64];
    for (int c = 0; c < k.c; c++)
        labels[c] = (c * 7) % K;
    CHECK(gp_composer_mask_subspaces(&k, labels, K, P), "mask");
    gp_rng r;
    gp_rng_seed(&r, 13);
    for (int i = 0; i < N * k.latent; i++)
        k.z[i] = plain.z[i] = gp_rng_normal(&r);
    for (int i = 0; i < N * k.c; i++) {
        k.alpha[i] = k.mask[i] * (0.2f + (float)gp_rng_uniform(&r)) + (1.0f - k.mask[i]) * 5.0f;
        plain.alpha[i] = k.alpha[i] * k.mask[i];
    }
    gp_shape os;
    gp_net_shape_at(net, net->count, 1, &os);
    const size_t npix = gp_shape_count(os);
    float *x = malloc(npix * sizeof(float)), *rr = malloc(npix * sizeof(float));
    memcpy(x, gp_composer_forward(&plain), npix * sizeof(float));
    const float *y = gp_composer_forward(&k);
    double diff = 0.0;
    for (size_t i = 0; i < npix; i++)
        diff = fmax(diff, fabs(x[i] - y[i]));
    CHECK(diff < 1e-5, "masked composition differs from alpha*mask by %g", diff);

    for (size_t i = 0; i < npix; i++)
        rr[i] = gp_rng_normal(&r);
    gp_composer_forward(&k);
    gp_composer_backward(&k, rr);
    float *dz = malloc(sizeof(float) * N * k.latent), *da = malloc(sizeof(float) * N * k.c);
    memcpy(dz, k.dz, sizeof(float) * N * k.latent);
    memcpy(da, k.dalpha, sizeof(float) * N * k.c);
    bool masked_zero = true;
    for (int i = 0; i < N * k.c; i++)
        masked_zero &= k.mask[i] != 0.0f || da[i] == 0.0f;
    CHECK(masked_zero, "dalpha is non-zero where the code does not feed the channel");
    double ez = fd_error(&k, rr, npix, k.z, dz, (size_t)N * k.latent, false);
    double ea = fd_error(&k, rr, npix, k.alpha, da, (size_t)N * k.c, true);
    printf("masked composition: dz relative error %.2g, dalpha %.2g\n", ez, ea);
    CHECK(ez < 2e-2, "dz: relative gradient error %.3g", ez);
    CHECK(ea < 2e-2, "dalpha: relative gradient error %.3g", ea);
    /* The base code (last) feeds every channel, code t only subspace t/P. */
    int fed = 0;
    for (int c = 0; c < k.c; c++)
        fed += k.mask[(N - 1) * k.c + c] == 1.0f && k.mask[1 * k.c + c] == (labels[c] == 0);
    CHECK(fed == k.c, "mask layout: %d of %d channels right", fed, k.c);
    free(x);
    free(rr);
    free(dz);
    free(da);
    gp_composer_free(&k);
    gp_composer_free(&plain);
    gp_net_free(net);
    return CHECK_DONE();
}
