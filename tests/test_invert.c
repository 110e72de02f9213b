/* test_invert.c — inversion end to end on a small random PGGAN:
 * recovering a generated image, every task, cancel, determinism and
 * bad arguments. */
#include "check.h"
#include "ganprior.h"
#include "task_checks.h"

#include <string.h>

static gp_invert_params quick(gp_task task, gp_method method)
{
    gp_invert_params p;
    gp_invert_params_default(&p, task);
    p.method = method;
    p.composition.codes = 8;
    p.search.iterations = 400;
    p.search.perceptual_weight = 0.0f;
    p.search.seed = 3;
    return p;
}

static gp_invert_params multicode(gp_task task)
{
    return quick(task, GP_METHOD_MULTICODE);
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
    p.search.iterations = 40;
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
    p.search.seed = 4;
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
    p.composition.codes = 0;
    expect_arg_error(m, &p, y, NULL, "zero codes", "codes");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE);
    p.composition.split_block = 99;
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
    p.search.iterations = 0;
    expect_arg_error(m, &p, y, NULL, "zero iterations", "iterations");
    gp_image_release(&wrong);
    gp_image_release(&full);
}

int main(void)
{
    char path[512];
    gp_model *m = task_model_load(path, sizeof path);
    if (!m)
        return CHECK_DONE();
    gp_error err;
    gp_image y = { 0 };
    CHECK(gp_model_sample(m, 7, &y, &err) == GP_OK, "sample: %s", err.message);
    check_every_task(m, &y, multicode);
    test_cancel_and_determinism(m, &y);
    test_bad_args(m, &y);
    gp_image_release(&y);
    gp_model_free(m);
    remove(path);
    return CHECK_DONE();
}
