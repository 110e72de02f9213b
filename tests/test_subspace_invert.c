/* test_subspace_invert.c — the PmSFC subspace method end to end on a
 * small random PGGAN: subspaces learnt on it, then recovering a
 * generated image for every task, the sidecar found next to the model,
 * cancel, determinism, bad arguments, and swapping a subspace. */
#include "check.h"
#include "ganprior.h"
#include "quality.h"
#include "task_checks.h"

#include <string.h>

static const gp_subspaces *subs;

static gp_invert_params subspace(gp_task task)
{
    gp_invert_params p;
    gp_invert_params_default(&p, task);
    p.method = GP_METHOD_SUBSPACE;
    p.subspace.codes_per_subspace = 2;
    p.search.iterations = 400;
    p.search.perceptual_weight = 0.0f;
    p.search.seed = 3;
    p.subspace.subspaces = subs;
    return p;
}

static void test_cancel_and_determinism(gp_model *m, const gp_image *y)
{
    gp_invert_params p = subspace(GP_TASK_RECONSTRUCT);
    p.search.iterations = 40;
    int seen = 0;
    p.progress = cancel_at_5;
    p.progress_user = &seen;
    float sentinel = 42.0f;
    gp_image out = { 1, 1, 3, &sentinel };
    gp_error err;
    CHECK(gp_invert(m, &p, y, NULL, &out, NULL, &err) == GP_ERR_CANCELLED && seen == 5,
          "cancel: status %d at iteration %d", err.status, seen);
    CHECK(out.data == &sentinel && sentinel == 42.0f, "cancel touched the output image");
    p.progress = NULL;
    gp_image a = { 0 }, b = { 0 }, c = { 0 };
    CHECK(gp_invert(m, &p, y, NULL, &a, NULL, &err) == GP_OK, "run a: %s", err.message);
    p.subspace.subspaces = NULL; /* the sidecar next to the model: the same subspaces */
    CHECK(gp_invert(m, &p, y, NULL, &b, NULL, &err) == GP_OK, "run b (sidecar): %s", err.message);
    if (a.data && b.data)
        CHECK(!memcmp(a.data, b.data, sizeof(float) * 3 * a.width * a.height),
              "two runs with the same seed (and the sidecar) differ");
    p.search.seed = 4;
    CHECK(gp_invert(m, &p, y, NULL, &c, NULL, &err) == GP_OK, "run c: %s", err.message);
    if (a.data && c.data)
        CHECK(memcmp(a.data, c.data, sizeof(float) * 3 * a.width * a.height), "another seed, same result");
    gp_image_release(&a);
    gp_image_release(&b);
    gp_image_release(&c);
}

static void expect_error(gp_model *m, const gp_invert_params *p, const gp_image *y, gp_status want,
                         const char *needle)
{
    gp_image out = { 0 };
    gp_error err = { 0 };
    gp_status s = gp_invert(m, p, y, NULL, &out, NULL, &err);
    CHECK(s == want && strstr(err.message, needle), "status %d, message '%s' (wanted '%s')", s,
          err.message, needle);
    CHECK(out.data == NULL, "an error wrote an output");
}

static void test_bad_args(gp_model *m, const gp_image *y, const char *sidecar)
{
    gp_invert_params p = subspace(GP_TASK_RECONSTRUCT);
    p.subspace.codes_per_subspace = 0;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "codes per subspace");
    p = subspace(GP_TASK_RECONSTRUCT);
    p.composition.split_block = gp_subspaces_get_info(subs)->split_block + 1;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "subspaces were learnt at block");
    p = subspace(GP_TASK_RECONSTRUCT);
    p.subspace.subspaces = NULL;
    remove(sidecar);
    expect_error(m, &p, y, GP_ERR_IO, "needs the model's subspaces");
}

static void test_swap(gp_model *m, const gp_image *y, const gp_image *y2)
{
    gp_invert_params p = subspace(GP_TASK_RECONSTRUCT);
    p.search.iterations = 150;
    gp_image a = { 0 }, b = { 0 }, ra = { 0 }, same_a = { 0 }, same_b = { 0 };
    gp_error err;
    const size_t n = (size_t)3 * y->width * y->height;
    CHECK(gp_subspace_swap(m, &p, y, y2, NULL, 1, &a, &b, &err) == GP_OK, "swap: %s", err.message);
    CHECK(gp_invert(m, &p, y, NULL, &ra, NULL, &err) == GP_OK, "invert: %s", err.message);
    /* Swapping an image with itself exchanges equal features: a no-op. */
    CHECK(gp_subspace_swap(m, &p, y, y, NULL, 1, &same_a, &same_b, &err) == GP_OK, "self swap: %s", err.message);
    if (a.data && ra.data && same_a.data && same_b.data) {
        double qa = psnr(a.data, ra.data, n, 1, NULL), qs = psnr(same_a.data, ra.data, n, 1, NULL);
        printf("swap: A with B's subspace 1 is %.1f dB from A's inversion; self-swap %.1f dB\n", qa, qs);
        CHECK(qa < 60.0, "swapping changed nothing (%.1f dB)", qa);
        CHECK(qs > 60.0 && !memcmp(same_a.data, same_b.data, n * sizeof(float)), "self-swap is not the inversion (%.1f dB)", qs);
    }
    CHECK(gp_subspace_swap(m, &p, y, y2, NULL, 99, &a, &b, &err) == GP_ERR_ARGUMENT &&
          strstr(err.message, "subspace must be"), "subspace 99: %s", err.message);
    p.method = GP_METHOD_MULTICODE;
    CHECK(gp_subspace_swap(m, &p, y, y2, NULL, 0, &a, &b, &err) == GP_ERR_ARGUMENT, "multicode swap accepted");
    gp_image_release(&a);
    gp_image_release(&b);
    gp_image_release(&ra);
    gp_image_release(&same_a);
    gp_image_release(&same_b);
}

int main(void)
{
    char path[512], sidecar[512];
    gp_model *m = task_model_load(path, sizeof path);
    if (!m)
        return CHECK_DONE();
    gp_error err;
    gp_subspace_params sp;
    gp_subspace_params_default(&sp);
    sp.subspaces = 4;
    sp.steps = 150;
    gp_subspaces *s = NULL;
    CHECK(gp_subspaces_learn(m, &sp, &s, &err) == GP_OK, "learn: %s", err.message);
    CHECK(gp_subspaces_path(m, sidecar, sizeof sidecar, &err) == GP_OK &&
          gp_subspaces_save(s, sidecar, &err) == GP_OK, "save: %s", err.message);
    subs = s;
    gp_image y = { 0 }, y2 = { 0 };
    CHECK(gp_model_sample(m, 7, &y, &err) == GP_OK && gp_model_sample(m, 8, &y2, &err) == GP_OK,
          "sample: %s", err.message);
    if (s && y.data && y2.data) {
        check_every_task(m, &y, subspace);
        test_cancel_and_determinism(m, &y);
        test_swap(m, &y, &y2);
        test_bad_args(m, &y, sidecar);
    }
    gp_image_release(&y);
    gp_image_release(&y2);
    gp_subspaces_free(s);
    gp_model_free(m);
    remove(path);
    remove(sidecar);
    return CHECK_DONE();
}
