/* test_invert.c — inversion end to end on a small random PGGAN:
 * recovering a generated image, every task, cancel, determinism and
 * bad arguments. */
#include "check.h"
#include "ganprior.h"
#include "quality.h"
#include "testmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static gp_invert_params quick(gp_task task, gp_method method)
{
    gp_invert_params p;
    gp_invert_params_default(&p, task);
    p.method = method;
    p.codes = 8;
    p.iterations = 400;
    p.perceptual_weight = 0.0f;
    p.seed = 3;
    return p;
}

static void test_recover(gp_model *m, const gp_image *y)
{
    gp_invert_params p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE);
    gp_image out = { 0 };
    gp_invert_report rep;
    gp_error err;
    CHECK(gp_invert(m, &p, y, NULL, &out, &rep, &err) == GP_OK, "multicode: %s", err.message);
    if (!out.data)
        return;
    double q = psnr(out.data, y->data, (size_t)3 * y->width * y->height, 1, NULL);
    printf("multicode recovers G(z*): %.1f dB in %d iterations\n", q, rep.iterations);
    CHECK(q >= 30.0, "multi-code inversion of G(z*) reached only %.1f dB", q);
    gp_image_release(&out);
}

static void test_tasks(gp_model *m, const gp_image *y)
{
    const int w = y->width, h = y->height;
    gp_image mask, out = { 0 }, small, g;
    gp_error err;
    gp_image_alloc(&mask, w, h, 1);
    float *keep = malloc(sizeof(float) * w * h);
    for (int i = 0; i < w * h; i++) {
        int x = i % w, yy = i / w;
        mask.data[i] = (x >= w / 4 && x < 3 * w / 4 && yy >= h / 4 && yy < 3 * h / 4) ? 1.0f : 0.0f;
        keep[i] = 1.0f - mask.data[i];
    }
    gp_invert_params p = quick(GP_TASK_INPAINT, GP_METHOD_MULTICODE);
    CHECK(gp_invert(m, &p, y, &mask, &out, NULL, &err) == GP_OK, "inpaint: %s", err.message);
    if (out.data) {
        double q = psnr(out.data, y->data, (size_t)3 * w * h, 3, keep);
        printf("inpaint: %.1f dB on known pixels\n", q);
        CHECK(q >= 28.0, "inpaint matched the known pixels to only %.1f dB", q);
    }
    gp_image_release(&out);

    gp_image_alloc(&g, w, h, 1);
    gray(y, g.data);
    p = quick(GP_TASK_COLORIZE, GP_METHOD_MULTICODE);
    CHECK(gp_invert(m, &p, &g, NULL, &out, NULL, &err) == GP_OK, "colorize: %s", err.message);
    if (out.data) {
        float *go = malloc(sizeof(float) * w * h);
        gray(&out, go);
        double q = psnr(go, g.data, (size_t)w * h, 1, NULL);
        printf("colorize: gray(out) vs gray input %.1f dB\n", q);
        CHECK(q >= 30.0, "colorize matched luminance to only %.1f dB", q);
        free(go);
    }
    gp_image_release(&out);

    const int f = 4;
    gp_image_alloc(&small, w / f, h / f, 3);
    for (int yy = 0; yy < h / f; yy++)
        for (int x = 0; x < w / f; x++)
            for (int c = 0; c < 3; c++) {
                float s = 0.0f;
                for (int k = 0; k < f * f; k++)
                    s += y->data[3 * ((yy * f + k / f) * w + x * f + k % f) + c];
                small.data[3 * (yy * (w / f) + x) + c] = s / (f * f);
            }
    p = quick(GP_TASK_SUPERRES, GP_METHOD_MULTICODE);
    p.superres_factor = f;
    CHECK(gp_invert(m, &p, &small, NULL, &out, NULL, &err) == GP_OK, "superres: %s", err.message);
    if (out.data) {
        double q = psnr(out.data, y->data, (size_t)3 * w * h, 1, NULL);
        printf("superres x%d: %.1f dB against the full-resolution original\n", f, q);
        CHECK(q >= 20.0, "super-resolution reached only %.1f dB", q);
    }
    gp_image_release(&out);
    gp_image_release(&small);
    gp_image_release(&g);
    gp_image_release(&mask);
    free(keep);
}

static bool cancel_at_5(void *user, int it, int total, float loss)
{
    (void)total;
    (void)loss;
    *(int *)user = it;
    return it < 5;
}

static bool cancel_at_start(void *user, int it, int total, float loss)
{
    (void)total;
    (void)loss;
    *(int *)user = it;
    return false;
}

static void test_cancel_and_determinism(gp_model *m, const gp_image *y)
{
    gp_invert_params p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_SINGLE);
    p.iterations = 40;
    int seen = 0;
    p.progress = cancel_at_5;
    p.progress_user = &seen;
    float sentinel = 42.0f;
    gp_image out = { 1, 1, 3, &sentinel };
    gp_error err;
    CHECK(gp_invert(m, &p, y, NULL, &out, NULL, &err) == GP_ERR_CANCELLED, "cancel: status %d", err.status);
    CHECK(seen == 5, "cancel: the callback was called up to %d, expected 5", seen);
    CHECK(out.data == &sentinel && sentinel == 42.0f, "cancel touched the output image");

    /* Cancelling during the random starts (reported as iteration 0). */
    seen = -1;
    p.progress = cancel_at_start;
    p.progress_user = &seen;
    CHECK(gp_invert(m, &p, y, NULL, &out, NULL, &err) == GP_ERR_CANCELLED && seen == 0,
          "cancel during the starts: status %d at iteration %d", err.status, seen);
    CHECK(out.data == &sentinel, "cancel during the starts touched the output image");

    p.progress = NULL;
    gp_image a = { 0 }, b = { 0 };
    CHECK(gp_invert(m, &p, y, NULL, &a, NULL, &err) == GP_OK, "run a: %s", err.message);
    CHECK(gp_invert(m, &p, y, NULL, &b, NULL, &err) == GP_OK, "run b: %s", err.message);
    if (a.data && b.data)
        CHECK(memcmp(a.data, b.data, sizeof(float) * 3 * a.width * a.height) == 0,
              "two runs with the same seed differ");
    p.seed = 4;
    gp_image c = { 0 };
    CHECK(gp_invert(m, &p, y, NULL, &c, NULL, &err) == GP_OK, "run c: %s", err.message);
    if (a.data && c.data)
        CHECK(memcmp(a.data, c.data, sizeof(float) * 3 * a.width * a.height) != 0,
              "a different seed gave the same result");
    gp_image_release(&a);
    gp_image_release(&b);
    gp_image_release(&c);
}

static void expect_arg_error(gp_model *m, const gp_invert_params *p, const gp_image *y,
                             const gp_image *mask, const char *what, const char *needle)
{
    gp_image out = { 0 };
    gp_error err = { 0 };
    gp_status s = gp_invert(m, p, y, mask, &out, NULL, &err);
    CHECK(s == GP_ERR_ARGUMENT && strstr(err.message, needle),
          "%s: status %d, message '%s' (wanted '%s')", what, s, err.message, needle);
    CHECK(out.data == NULL, "%s: wrote an output", what);
}

static void test_bad_args(gp_model *m, const gp_image *y)
{
    gp_invert_params p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE);
    gp_image wrong;
    gp_image_alloc(&wrong, y->width + 1, y->height, 3);
    expect_arg_error(m, &p, &wrong, NULL, "wrong target size", "target is");
    p.codes = 0;
    expect_arg_error(m, &p, y, NULL, "zero codes", "codes");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE);
    p.split_block = 99;
    expect_arg_error(m, &p, y, NULL, "split out of range", "split layer");
    p = quick(GP_TASK_SUPERRES, GP_METHOD_MULTICODE);
    p.superres_factor = 3;
    expect_arg_error(m, &p, y, NULL, "factor 3", "factor");
    p = quick(GP_TASK_INPAINT, GP_METHOD_MULTICODE);
    expect_arg_error(m, &p, y, NULL, "no mask", "mask");
    gp_image full;
    gp_image_alloc(&full, y->width, y->height, 1);
    for (int i = 0; i < y->width * y->height; i++)
        full.data[i] = 1.0f;
    expect_arg_error(m, &p, y, &full, "all-hole mask", "whole image");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_SINGLE);
    p.iterations = 0;
    expect_arg_error(m, &p, y, NULL, "zero iterations", "iterations");
    gp_image_release(&wrong);
    gp_image_release(&full);
}

int main(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pggan32.safetensors", testmodel_tmpdir());
    const int channels[4] = { 64, 64, 32, 16 };
    CHECK(testmodel_write_pggan(path, 32, 64, channels, 11), "cannot write the test model");
    gp_model *m = NULL;
    gp_error err;
    CHECK(gp_model_load(path, &m, &err) == GP_OK, "load: %s", err.message);
    if (!m)
        return CHECK_DONE();
    gp_image y = { 0 };
    CHECK(gp_model_sample(m, 7, &y, &err) == GP_OK, "sample: %s", err.message);
    test_recover(m, &y);
    test_tasks(m, &y);
    test_cancel_and_determinism(m, &y);
    test_bad_args(m, &y);
    gp_image_release(&y);
    gp_model_free(m);
    remove(path);
    return CHECK_DONE();
}
