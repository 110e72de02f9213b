/* test_indomain.c — in-domain inversion: the encoder (engine/model/
 * encoder.c) and the domain term (engine/loss/domain.c) against an
 * independent float64 PyTorch implementation (tests/encoder_reference.py),
 * the term's gradient through E and G also by finite differences, the
 * refusal of an encoder made for another model or missing, and the whole
 * method: a code drawn from the prior, rendered, and inverted with
 * GP_METHOD_INDOMAIN comes back close, as does a multi-code search
 * started at the encoder.
 *
 * Usage: test_indomain GEN ENC OTHER GOLDEN (skips, 77, when
 * encoder_reference.py could not run at build time) */
#include "invert/compose.h"
#include "loss/domain.h"
#include "model/encoder.h"
#include "reference.h"
#include "testmodel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { LATENT = 8 };

/* The domain term at z through G (one code, the whole generator) and E;
 * its gradient at z into dz when non-NULL. */
static float domain_at(gp_composer *k, gp_encoder *e, const float *z, float weight, float *dz)
{
    static float gx[3 * 16 * 16], dz_direct[LATENT];
    memcpy(k->z, z, LATENT * sizeof(float));
    const float *x = gp_composer_forward(k);
    memset(gx, 0, sizeof gx);
    float loss = gp_domain_term(e, k->z, LATENT, x, weight, gx, dz_direct);
    if (dz) {
        gp_composer_backward(k, gx);
        for (int i = 0; i < LATENT; i++)
            dz[i] = k->dz[i] + dz_direct[i];
    }
    return loss;
}

static void check_against_torch(gp_model *g, gp_encoder *e, gp_safetensors *ref)
{
    size_t n;
    float *x = ref_tensor(ref, "x", &n, NULL), *code = ref_tensor(ref, "code", &n, NULL);
    float *z = ref_tensor(ref, "z", &n, NULL), *w = ref_tensor(ref, "weight", &n, NULL);
    float *loss = ref_tensor(ref, "loss", &n, NULL), *grad = ref_tensor(ref, "grad", &n, NULL);
    if (!x || !code || !z || !w || !loss || !grad)
        return;
    const float *mine = gp_encoder_encode(e, x);
    double ec = rel_err(mine, code, LATENT);
    printf("E(x): relative error %.2g against torch\n", ec);
    CHECK(ec < 1e-5, "E(x) relative error %.3g", ec);

    gp_composer k;
    CHECK(gp_composer_init(&k, g->net, 0, 1), "composer");
    float dz[LATENT];
    float l = domain_at(&k, e, z, w[0], dz);
    double el = fabs(l - loss[0]) / fabs(loss[0]), eg = rel_err(dz, grad, LATENT);
    printf("domain term: %.8g (torch %.8g), relative error %.2g; gradient through E and G "
           "relative error %.2g\n", l, loss[0], el, eg);
    CHECK(el < 1e-5, "domain term %.9g vs torch %.9g", l, loss[0]);
    CHECK(eg < 1e-4, "gradient relative error %.3g", eg);

    /* Central differences in float: step 1e-2 on a smooth net. */
    float fd[LATENT], zz[LATENT];
    for (int i = 0; i < LATENT; i++) {
        memcpy(zz, z, sizeof zz);
        zz[i] = z[i] + 1e-2f;
        float up = domain_at(&k, e, zz, w[0], NULL);
        zz[i] = z[i] - 1e-2f;
        fd[i] = (up - domain_at(&k, e, zz, w[0], NULL)) / 2e-2f;
    }
    double ef = rel_err(dz, fd, LATENT);
    printf("gradient against finite differences: relative error %.2g\n", ef);
    CHECK(ef < 2e-2, "gradient vs finite differences: relative error %.3g", ef);
    gp_composer_free(&k);
    free(x), free(code), free(z), free(w), free(loss), free(grad);
}

static void check_refusals(gp_model *g, const char *other, gp_image *target)
{
    gp_error err;
    gp_encoder *e = NULL;
    gp_status s = gp_encoder_load(other, g, &e, &err);
    CHECK(s == GP_ERR_ARGUMENT && !e && strstr(err.message, "another-model") &&
              strstr(err.message, "gen16"),
          "a mismatched encoder: status %d, '%s'", (int)s, err.message);
    gp_invert_params p;
    gp_invert_params_default(&p, GP_TASK_RECONSTRUCT);
    p.method = GP_METHOD_INDOMAIN;
    p.search.iterations = 5;
    p.files.encoder = other;
    gp_image out = { 0 };
    s = gp_invert(g, &p, target, NULL, &out, NULL, &err);
    CHECK(s == GP_ERR_ARGUMENT && !out.data, "indomain with a mismatched encoder: status %d", (int)s);
    p.files.encoder = "/nonexistent/encoder.safetensors";
    s = gp_invert(g, &p, target, NULL, &out, NULL, &err);
    CHECK(s == GP_ERR_IO && strstr(err.message, "encoder") && !out.data,
          "indomain without its encoder: status %d, '%s'", (int)s, err.message);
    printf("refused: %s\n", err.message);
}

static double psnr(const gp_image *a, const gp_image *b)
{
    double se = 0;
    const size_t n = (size_t)a->width * a->height * a->channels;
    for (size_t i = 0; i < n; i++)
        se += ((double)a->data[i] - b->data[i]) * ((double)a->data[i] - b->data[i]);
    return 10 * log10(n / (se + 1e-20));
}

/* A generated image inverted from the encoder's start comes back. */
static void check_recovery(gp_model *g, const char *enc, const gp_image *target, gp_method method)
{
    gp_invert_params p;
    gp_invert_params_default(&p, GP_TASK_RECONSTRUCT);
    p.method = method;
    p.search.start = GP_START_ENCODER;
    p.search.iterations = 200;
    p.search.perceptual_weight = 0.0f;
    p.files.encoder = enc;
    p.composition.codes = 4;
    /* The tiny encoder is rough (its codes are off by 0.1 rms): a small
     * weight lets the pixels lead once the start is good. */
    p.indomain.domain_weight = 0.01f;
    gp_image out = { 0 }, start = { 0 };
    gp_invert_report rep;
    gp_error err;
    gp_status s = gp_invert(g, &p, target, NULL, &out, &rep, &err);
    CHECK(s == GP_OK, "invert: %s", err.message);
    p.search.iterations = 1; /* the encoder's start, one step on */
    gp_status s1 = gp_invert(g, &p, target, NULL, &start, NULL, &err);
    if (s == GP_OK && s1 == GP_OK) {
        double end = psnr(&out, target), begin = psnr(&start, target);
        printf("%s from the encoder: %.1f dB after 1 step, %.1f dB after %d\n",
               method == GP_METHOD_INDOMAIN ? "indomain" : "multicode", begin, end, rep.iterations);
        CHECK(end > 35.0 && end > begin + 3.0, "a generated image came back at %.1f dB (start %.1f)",
              end, begin);
    }
    gp_image_release(&out);
    gp_image_release(&start);
}

int main(int argc, char **argv)
{
    if (argc < 5 || !ref_exists(argv[1]) || !ref_exists(argv[4])) {
        printf("skip: no reference files (tests/encoder_reference.py needs torch)\n");
        return 77;
    }
    gp_error err;
    gp_model *g = NULL;
    gp_encoder *e = NULL;
    gp_safetensors *ref = NULL;
    if (gp_model_load(argv[1], &g, &err) != GP_OK || gp_encoder_load(argv[2], g, &e, &err) != GP_OK ||
        gp_safetensors_open(argv[4], &ref, &err) != GP_OK) {
        printf("FAIL loading: %s\n", err.message);
        return 1;
    }
    check_against_torch(g, e, ref);
    gp_image target = { 0 };
    CHECK(gp_model_sample(g, 3, &target, &err) == GP_OK, "sample: %s", err.message);
    check_refusals(g, argv[3], &target);
    check_recovery(g, argv[2], &target, GP_METHOD_INDOMAIN);
    check_recovery(g, argv[2], &target, GP_METHOD_MULTICODE);
    gp_image_release(&target);
    gp_encoder_free(e);
    gp_safetensors_close(ref);
    gp_model_free(g);
    return CHECK_DONE();
}
