/* test_perceptual.c — the SqueezeNet perceptual loss (engine/loss/perceptual.c)
 * against an independent float64 PyTorch implementation
 * (tests/perceptual_reference.py, which reads the shared raw weights, not
 * the converted file): loss values and dloss/dx on a 128x128 [-1,1] pair
 * and a 96x80 [0,1] pair.  Also: weight scaling, dx accumulation, zero loss
 * of the target against itself, re-targeting to another size, refusing a
 * too-small image, refusing non-perceptual files, and gp_perceptual_find's
 * search order.
 *
 * Usage: test_perceptual squeezenet1.1.safetensors perceptual_golden.safetensors
 * The file checks run always; the loss checks skip (77) without the files. */
#include "reference.h"
#include "loss/perceptual.h"
#include "model/find.h"
#include "testmodel.h"

#include <stdint.h>
#include <string.h>

static char *tmp(const char *name)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", testmodel_tmpdir(), name);
    return p;
}

static double norm2(const float *a, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * a[i];
    return sqrt(s);
}

/* |a - s*b| / |s*b|, norm-wise. */
static double rel_err_scaled(const float *a, const float *b, double s, size_t n)
{
    double d = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        double e = (double)a[i] - s * b[i];
        d += e * e;
        r += s * b[i] * s * b[i];
    }
    return r > 0 ? sqrt(d / r) : sqrt(d);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0, "cannot write %s", path);
}

/* gp_perceptual_load refuses files that are not a perceptual network. */
static void check_bad_files(void)
{
    gp_error err;
    gp_perceptual *p = (gp_perceptual *)&err; /* must be reset to NULL */

    err.message[0] = 0;
    CHECK(gp_perceptual_load(tmp("does-not-exist.safetensors"), &p, &err) == GP_ERR_IO && !p &&
          err.message[0], "a missing file: status %d, %s", err.status, err.message);

    unsigned char junk[4096];
    uint32_t r = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        r = r * 1664525u + 1013904223u;
        junk[i] = (unsigned char)(r >> 24);
    }
    const char *garbage = tmp("garbage.safetensors");
    write_bytes(garbage, junk, sizeof junk);
    p = (gp_perceptual *)&err;
    err.message[0] = 0;
    gp_status s = gp_perceptual_load(garbage, &p, &err);
    CHECK(s == GP_ERR_FORMAT && !p && err.message[0], "garbage: status %d, %s", s, err.message);
    printf("garbage file: %s\n", err.message);

    /* A valid safetensors file whose header says nothing of layers. */
    const char hdr[] = "{\"__metadata__\":{\"ganprior.name\":\"x\"}}   ";
    unsigned char buf[8 + sizeof hdr - 1];
    uint64_t len = sizeof hdr - 1;
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)(len >> (8 * i));
    memcpy(buf + 8, hdr, sizeof hdr - 1);
    const char *empty = tmp("no-arch.safetensors");
    write_bytes(empty, buf, sizeof buf);
    p = (gp_perceptual *)&err;
    err.message[0] = 0;
    s = gp_perceptual_load(empty, &p, &err);
    CHECK(s == GP_ERR_FORMAT && !p && strstr(err.message, "not a perceptual network"),
          "no arch: status %d, %s", s, err.message);

    /* A generator model file (valid, but no image input and no taps). */
    const char *gen = tmp("pggan8.safetensors");
    const int channels[2] = { 8, 8 };
    CHECK(testmodel_write_pggan(gen, 8, 8, channels, 3), "writing %s", gen);
    p = (gp_perceptual *)&err;
    err.message[0] = 0;
    s = gp_perceptual_load(gen, &p, &err);
    CHECK(s != GP_OK && !p && err.message[0], "a generator file: status %d, %s", s, err.message);
    printf("generator file: %s (%s)\n", err.message, gp_status_string(s));
    gp_perceptual_free(NULL);
}

/* Explicit path first, then $GANPRIOR_PERCEPTUAL, then the installed file. */
static void check_find(void)
{
    const char *a = tmp("explicit.safetensors"), *b = tmp("from-env.safetensors");
    write_bytes(a, "a", 1);
    write_bytes(b, "b", 1);
    char buf[1024];
    gp_error err;

    setenv("GANPRIOR_PERCEPTUAL", b, 1);
    CHECK(gp_perceptual_find(a, buf, sizeof buf, &err) == GP_OK && !strcmp(buf, a),
          "explicit path should win over the environment: %s", buf);
    CHECK(gp_perceptual_find(NULL, buf, sizeof buf, &err) == GP_OK && !strcmp(buf, b),
          "$GANPRIOR_PERCEPTUAL should be used without an explicit path: %s", buf);
    CHECK(gp_perceptual_find("", buf, sizeof buf, &err) == GP_OK && !strcmp(buf, b),
          "an empty explicit path counts as none: %s", buf);
    /* A directory is not a network file. */
    setenv("GANPRIOR_PERCEPTUAL", testmodel_tmpdir(), 1);
    buf[0] = 0;
    gp_status s = gp_perceptual_find(NULL, buf, sizeof buf, &err);
    CHECK(strcmp(buf, testmodel_tmpdir()) != 0, "a directory was accepted");

    unsetenv("GANPRIOR_PERCEPTUAL");
    buf[0] = 0;
    s = gp_perceptual_find(NULL, buf, sizeof buf, &err);
    const char *installed = "/models/squeezenet1.1.safetensors";
    if (s == GP_OK) {
        size_t n = strlen(buf), k = strlen(installed);
        CHECK(n > k && !strcmp(buf + n - k, installed), "found %s", buf);
        printf("find: the installed network %s exists\n", buf);
    } else {
        CHECK(s == GP_ERR_IO && strstr(err.message, "GANPRIOR_PERCEPTUAL") && strstr(err.message, installed),
              "nothing to find: status %d, %s", s, err.message);
        printf("find (nothing installed): %s\n", err.message);
    }
    /* A missing explicit path falls back to the environment (documented
     * search order; invert.c then just runs without the feature loss). */
    setenv("GANPRIOR_PERCEPTUAL", b, 1);
    CHECK(gp_perceptual_find(tmp("missing"), buf, sizeof buf, &err) == GP_OK && !strcmp(buf, b),
          "a missing explicit path should fall back to $GANPRIOR_PERCEPTUAL: %s", buf);
    unsetenv("GANPRIOR_PERCEPTUAL");
}

typedef struct {
    float *x, *y, *grad, *range, *loss;
    int h, w;
    size_t n;
} ref_case;

static bool read_case(gp_safetensors *ref, char c, ref_case *rc)
{
    char name[16];
    size_t n, m;
    int64_t d[GP_ST_MAX_DIMS] = { 0 };
    memset(rc, 0, sizeof *rc);
    snprintf(name, sizeof name, "x_%c", c);
    rc->x = ref_tensor(ref, name, &rc->n, d);
    rc->h = (int)d[1];
    rc->w = (int)d[2];
    snprintf(name, sizeof name, "y_%c", c);
    rc->y = ref_tensor(ref, name, &n, NULL);
    snprintf(name, sizeof name, "grad_%c", c);
    rc->grad = ref_tensor(ref, name, &m, NULL);
    snprintf(name, sizeof name, "range_%c", c);
    rc->range = ref_tensor(ref, name, &n, NULL);
    snprintf(name, sizeof name, "loss_%c", c);
    rc->loss = ref_tensor(ref, name, &n, NULL);
    return rc->x && rc->y && rc->grad && rc->range && rc->loss && m == rc->n;
}

static void free_case(ref_case *rc)
{
    free(rc->x);
    free(rc->y);
    free(rc->grad);
    free(rc->range);
    free(rc->loss);
}

static void check_case(gp_perceptual *p, const ref_case *rc, char c)
{
    gp_error err;
    const size_t n = rc->n;
    if (gp_perceptual_set_target(p, rc->y, rc->h, rc->w, rc->range[0], rc->range[1], &err) != GP_OK) {
        CHECK(0, "set_target %dx%d: %s", rc->w, rc->h, err.message);
        return;
    }
    float *dx = calloc(n, sizeof *dx), *dx2 = calloc(n, sizeof *dx2), *acc = malloc(n * sizeof *acc);
    float *base = malloc(n * sizeof *base);

    /* Value and gradient against torch. */
    float loss = gp_perceptual_loss(p, rc->x, 1.0f, dx);
    double el = fabs((double)loss - rc->loss[0]) / fabs(rc->loss[0]);
    double eg = rel_err_scaled(dx, rc->grad, 1.0, n);
    printf("case %c [3,%d,%d] range [%g,%g]: loss %.8g (torch %.8g), relative error %.3g; "
           "gradient norm %.6g (torch %.6g), norm-wise relative error %.3g, max abs diff %.3g\n",
           c, rc->h, rc->w, rc->range[0], rc->range[1], loss, rc->loss[0], el, norm2(dx, n),
           norm2(rc->grad, n), eg, max_abs_diff(dx, rc->grad, n));
    CHECK(el <= 1e-4, "case %c: loss %.9g vs torch %.9g (relative %g)", c, loss, rc->loss[0], el);
    CHECK(eg <= 1e-3, "case %c: gradient norm-wise relative error %g", c, eg);

    /* Without dx: the same value; twice: the same again. */
    float l_nodx = gp_perceptual_loss(p, rc->x, 1.0f, NULL);
    CHECK(l_nodx == loss, "case %c: loss without dx %.9g vs %.9g", c, l_nodx, loss);

    /* Weight 2 doubles value and gradient. */
    float loss2 = gp_perceptual_loss(p, rc->x, 2.0f, dx2);
    double e2 = fabs((double)loss2 - 2.0 * loss) / (2.0 * loss), eg2 = rel_err_scaled(dx2, dx, 2.0, n);
    printf("case %c: weight 2: loss relative error %.3g, gradient %.3g\n", c, e2, eg2);
    CHECK(e2 <= 1e-6, "case %c: weight 2 gives loss %.9g, not 2 x %.9g", c, loss2, loss);
    CHECK(eg2 <= 1e-6, "case %c: weight 2 gradient relative error %g", c, eg2);

    /* dx is added into, not overwritten. */
    for (size_t i = 0; i < n; i++)
        base[i] = acc[i] = 1e-3f * (float)((int)(i % 17) - 8);
    float loss3 = gp_perceptual_loss(p, rc->x, 1.0f, acc);
    for (size_t i = 0; i < n; i++)
        acc[i] -= base[i];
    double eacc = rel_err_scaled(acc, dx, 1.0, n);
    printf("case %c: accumulation relative error %.3g\n", c, eacc);
    CHECK(loss3 == loss, "case %c: loss changed with a non-zero dx: %.9g vs %.9g", c, loss3, loss);
    CHECK(eacc <= 1e-4, "case %c: dx was not accumulated into (relative error %g)", c, eacc);

    /* The target against itself: zero loss, zero gradient. */
    memset(dx2, 0, n * sizeof *dx2);
    float self = gp_perceptual_loss(p, rc->y, 1.0f, dx2);
    CHECK(self == 0.0f && max_abs(dx2, n) == 0.0, "case %c: loss(y, y) = %g, max |grad| %g", c, self,
          max_abs(dx2, n));

    free(dx);
    free(dx2);
    free(acc);
    free(base);
}

int main(int argc, char **argv)
{
    check_bad_files();
    check_find();
    if (argc != 3 || !ref_exists(argv[1]) || !ref_exists(argv[2])) {
        printf("skipped: %s not found (the shared SqueezeNet or /usr/bin/python3 with torch was "
               "missing at configure time)\n", argc != 3 ? "the converted SqueezeNet"
               : !ref_exists(argv[1]) ? argv[1] : argv[2]);
        return check_failures ? CHECK_DONE() : SKIP;
    }
    gp_error err;
    gp_perceptual *p = NULL;
    gp_safetensors *ref = NULL;
    if (gp_perceptual_load(argv[1], &p, &err) != GP_OK || gp_safetensors_open(argv[2], &ref, &err) != GP_OK) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        gp_perceptual_free(p);
        return 1;
    }
    ref_case a, b;
    bool ok_a = read_case(ref, 'a', &a), ok_b = read_case(ref, 'b', &b);
    CHECK(ok_a && ok_b, "reference cases are incomplete");
    if (ok_a && ok_b) {
        check_case(p, &a, 'a');
        check_case(p, &b, 'b'); /* re-targeting to another size */

        /* Too small: refused with a message; the object stays usable. */
        float small[3 * 16 * 16] = { 0 };
        err.message[0] = 0;
        gp_status s = gp_perceptual_set_target(p, small, 16, 16, -1.0f, 1.0f, &err);
        CHECK(s == GP_ERR_ARGUMENT && strstr(err.message, "too small"), "16x16: status %d, %s", s,
              err.message);
        printf("16x16 target: %s\n", err.message);
        /* Back to case a after the failure: the same loss as the first time. */
        CHECK(gp_perceptual_set_target(p, a.y, a.h, a.w, a.range[0], a.range[1], &err) == GP_OK,
              "set_target after a refusal: %s", err.message);
        float again = gp_perceptual_loss(p, a.x, 1.0f, NULL);
        double e = fabs((double)again - a.loss[0]) / a.loss[0];
        CHECK(e <= 1e-4, "case a after re-targeting: loss %.9g vs torch %.9g", again, a.loss[0]);
    }
    free_case(&a);
    free_case(&b);
    gp_safetensors_close(ref);
    gp_perceptual_free(p);
    return CHECK_DONE();
}
