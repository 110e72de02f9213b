/* test_disc.c — the discriminator of tuning's adversarial terms
 * (engine/loss/discriminator.c) against an independent float64 PyTorch
 * implementation (tests/disc_reference.py): the logits of a fully
 * convolutional and of a dense discriminator, the loss with the hole as
 * region and without one, and dloss/dx; also that dx is added into,
 * that an empty region leaves the global term alone, and
 * gp_disc_find's rules (a named file, else MODEL-disc.safetensors).
 *
 * Usage: test_disc CONV.safetensors DENSE.safetensors GOLDEN.safetensors
 * (skips, 77, when disc_reference.py could not run at build time) */
#include "loss/discriminator.h"
#include "model/find.h"
#include "reference.h"
#include "testmodel.h"

#include <stdio.h>
#include <string.h>

static float *golden(gp_safetensors *ref, const char *what, const char *disc, size_t *n)
{
    char name[64];
    snprintf(name, sizeof name, "%s_%s", what, disc);
    return ref_tensor(ref, name, n, NULL);
}

/* Loss and gradient at x with the given region against the reference. */
static void check_loss(gp_disc *d, const float *x, size_t n, const float *roi, const float *w,
                       double want, const float *grad, const char *what)
{
    float *dx = calloc(n, sizeof *dx);
    gp_disc_set_region(d, roi);
    float loss = gp_disc_loss(d, x, w[0], w[1], dx);
    double el = fabs(loss - want) / fabs(want), eg = rel_err(dx, grad, n);
    printf("%s: loss %.8g (torch %.8g), relative error %.2g; gradient relative error %.2g\n", what,
           loss, want, el, eg);
    CHECK(el < 1e-5, "%s: loss %.9g vs torch %.9g", what, loss, want);
    CHECK(eg < 1e-4, "%s: gradient relative error %.3g", what, eg);
    CHECK(gp_disc_loss(d, x, w[0], w[1], NULL) == loss, "%s: the loss differs without dx", what);
    free(dx);
}

/* An image gradient is added to what dx holds; an empty region leaves
 * the global term alone. */
static void check_accumulation(gp_disc *d, const float *x, size_t n, const float *w)
{
    float *dx = calloc(n, sizeof *dx), *acc = malloc(n * sizeof *acc);
    float *none = calloc(n / 3, sizeof *none);
    gp_disc_set_region(d, NULL);
    gp_disc_loss(d, x, w[0], w[1], dx);
    for (size_t i = 0; i < n; i++)
        acc[i] = 1e-3f * (float)(i % 5);
    gp_disc_loss(d, x, w[0], w[1], acc);
    for (size_t i = 0; i < n; i++)
        acc[i] -= 1e-3f * (float)(i % 5);
    CHECK(rel_err(acc, dx, n) < 1e-4, "dx was overwritten, not added into (relative error %.3g)",
          rel_err(acc, dx, n));
    float global = gp_disc_loss(d, x, w[0], 0.0f, NULL);
    gp_disc_set_region(d, none);
    CHECK(gp_disc_loss(d, x, w[0], w[1], NULL) == global, "an empty region changed the loss");
    free(dx);
    free(acc);
    free(none);
}

static void check_disc(const char *path, gp_safetensors *ref, const char *name)
{
    const gp_model_info g = { .name = "test", .width = 16, .height = 16 };
    gp_error err;
    gp_disc *d = NULL;
    size_t n, nh, nl, nw, nloss, ng1, ng2;
    float *x = golden(ref, "x", name, &n), *hole = golden(ref, "hole", name, &nh);
    float *logits = golden(ref, "logits", name, &nl), *w = golden(ref, "weights", name, &nw);
    float *loss = golden(ref, "loss", name, &nloss);
    float *gh = golden(ref, "grad_hole", name, &ng1), *gw = golden(ref, "grad_whole", name, &ng2);
    CHECK(gp_disc_load(path, &g, &d, &err) == GP_OK, "%s: %s", path, err.message);
    if (d && x && hole && logits && w && loss && gh && gw) {
        gp_shape s = gp_disc_logit_shape(d);
        CHECK(gp_shape_count(s) == nl && s.c == 1, "%s: %zu logits, torch %zu", name,
              gp_shape_count(s), nl);
        double e = max_abs_diff(gp_disc_logits(d, x), logits, nl) / (max_abs(logits, nl) + 1e-12);
        printf("%s: %dx%d logits, relative max difference %.2g\n", name, s.w, s.h, e);
        CHECK(e < 1e-5, "%s: logits differ from torch by %.3g (relative)", name, e);
        char what[64];
        snprintf(what, sizeof what, "%s, hole", name);
        check_loss(d, x, n, hole, w, loss[0], gh, what);
        snprintf(what, sizeof what, "%s, whole image", name);
        check_loss(d, x, n, NULL, w, loss[1], gw, what);
        check_accumulation(d, x, n, w);
    }
    gp_disc_free(d);
    free(x);
    free(hole);
    free(logits);
    free(w);
    free(loss);
    free(gh);
    free(gw);
}

static void write_bytes(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fputs(data, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

/* A named file wins (and must exist); else MODEL-disc.safetensors. */
static void check_find(void)
{
    char model_path[512], side[512], named[512], buf[1024];
    snprintf(model_path, sizeof model_path, "%s/gen16.safetensors", testmodel_tmpdir());
    snprintf(side, sizeof side, "%s/gen16-disc.safetensors", testmodel_tmpdir());
    snprintf(named, sizeof named, "%s/other.safetensors", testmodel_tmpdir());
    const int channels[3] = { 8, 8, 8 };
    gp_model *m = NULL;
    gp_error err;
    CHECK(testmodel_write_pggan(model_path, 16, 8, channels, 1) &&
          gp_model_load(model_path, &m, &err) == GP_OK, "test model: %s", err.message);
    if (!m)
        return;
    CHECK(gp_disc_find(m, NULL, buf, sizeof buf, &err) == GP_ERR_IO && strstr(err.message, side),
          "nothing next to the model: status %d, %s", err.status, err.message);
    write_bytes(side, "x");
    CHECK(gp_disc_find(m, NULL, buf, sizeof buf, &err) == GP_OK && !strcmp(buf, side),
          "next to the model: found %s", buf);
    CHECK(gp_disc_find(m, "", buf, sizeof buf, &err) == GP_OK && !strcmp(buf, side),
          "an empty name counts as none: found %s", buf);
    CHECK(gp_disc_find(m, named, buf, sizeof buf, &err) == GP_ERR_IO && strstr(err.message, named),
          "a missing named file: status %d, %s", err.status, err.message);
    write_bytes(named, "x");
    CHECK(gp_disc_find(m, named, buf, sizeof buf, &err) == GP_OK && !strcmp(buf, named),
          "a named file: found %s", buf);
    CHECK(gp_disc_find(m, testmodel_tmpdir(), buf, sizeof buf, &err) == GP_ERR_IO,
          "a folder was taken for a file");
    remove(side);
    remove(named);
    remove(model_path);
    gp_model_free(m);
}

int main(int argc, char **argv)
{
    check_find();
    if (argc != 4 || !ref_exists(argv[1]) || !ref_exists(argv[2]) || !ref_exists(argv[3])) {
        printf("skipped: the discriminators of tests/disc_reference.py were not built (no "
               "/usr/bin/python3 with torch at configure time)\n");
        return check_failures ? CHECK_DONE() : SKIP;
    }
    gp_safetensors *ref = NULL;
    gp_error err;
    if (gp_safetensors_open(argv[3], &ref, &err) != GP_OK) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        return 1;
    }
    check_disc(argv[1], ref, "conv");
    check_disc(argv[2], ref, "dense");
    gp_safetensors_close(ref);
    return CHECK_DONE();
}
