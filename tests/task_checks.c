/* task_checks.c — the four tasks on a generated image, see task_checks.h. */
#include "task_checks.h"

#include "check.h"
#include "quality.h"
#include "testmodel.h"

#include <stdlib.h>

enum { FACTOR = 4 };

gp_model *task_model_load(char *path, size_t size)
{
    snprintf(path, size, "%s/pggan32.safetensors", testmodel_tmpdir());
    const int channels[4] = { 64, 64, 32, 16 };
    CHECK(testmodel_write_pggan(path, 32, 64, channels, 11), "cannot write the test model");
    gp_model *m = NULL;
    gp_error err;
    CHECK(gp_model_load(path, &m, &err) == GP_OK, "load: %s", err.message);
    return m;
}

/* Runs params(task) on target t; NULL (and a failed CHECK) on failure. */
static const gp_image *run(gp_model *m, task_params_fn params, gp_task task, const gp_image *t,
                           const gp_image *mask, gp_image *out)
{
    gp_invert_params p = params(task);
    p.superres_factor = FACTOR;
    gp_invert_report rep;
    gp_error err;
    gp_status s = gp_invert(m, &p, t, mask, out, &rep, &err);
    CHECK(s == GP_OK, "task %d: %s", (int)task, err.message);
    return s == GP_OK ? out : NULL;
}

/* The centre half of the image is the hole; keep[i] = 1 outside it. */
static void centre_hole(int w, int h, gp_image *mask, float *keep)
{
    gp_image_alloc(mask, w, h, 1);
    for (int i = 0; i < w * h; i++) {
        const int x = i % w, y = i / w;
        mask->data[i] = x >= w / 4 && x < 3 * w / 4 && y >= h / 4 && y < 3 * h / 4;
        keep[i] = 1.0f - mask->data[i];
    }
}

static void check_reconstruct_and_inpaint(gp_model *m, const gp_image *y, task_params_fn params)
{
    const int w = y->width, h = y->height;
    const size_t n = (size_t)3 * w * h;
    gp_image out = { 0 }, mask;
    if (run(m, params, GP_TASK_RECONSTRUCT, y, NULL, &out)) {
        const double q = psnr(out.data, y->data, n, 1, NULL);
        printf("reconstruct G(z*): %.1f dB\n", q);
        CHECK(q >= 30.0, "the inversion of G(z*) reached only %.1f dB", q);
    }
    gp_image_release(&out);
    float *keep = malloc(sizeof(float) * w * h);
    centre_hole(w, h, &mask, keep);
    if (run(m, params, GP_TASK_INPAINT, y, &mask, &out)) {
        const double q = psnr(out.data, y->data, n, 3, keep);
        printf("inpaint: %.1f dB on known pixels\n", q);
        CHECK(q >= 28.0, "inpaint matched the known pixels to only %.1f dB", q);
    }
    gp_image_release(&out);
    gp_image_release(&mask);
    free(keep);
}

static void check_colorize(gp_model *m, const gp_image *y, task_params_fn params)
{
    const int w = y->width, h = y->height;
    gp_image g, out = { 0 };
    gp_image_alloc(&g, w, h, 1);
    gray(y, g.data);
    if (run(m, params, GP_TASK_COLORIZE, &g, NULL, &out)) {
        float *go = malloc(sizeof(float) * w * h);
        gray(&out, go);
        const double q = psnr(go, g.data, (size_t)w * h, 1, NULL);
        printf("colorize: luminance %.1f dB\n", q);
        CHECK(q >= 30.0, "colorize matched luminance to only %.1f dB", q);
        free(go);
    }
    gp_image_release(&out);
    gp_image_release(&g);
}

static void check_superres(gp_model *m, const gp_image *y, task_params_fn params)
{
    gp_image small = { 0 }, out = { 0 };
    gp_error err;
    CHECK(gp_image_reduce(y, FACTOR, &small, &err) == GP_OK, "reduce: %s", err.message);
    if (small.data && run(m, params, GP_TASK_SUPERRES, &small, NULL, &out)) {
        const double q = psnr_image(&out, y);
        printf("superres x%d: %.1f dB against the original\n", FACTOR, q);
        CHECK(q >= 20.0, "super-resolution reached only %.1f dB", q);
    }
    gp_image_release(&out);
    gp_image_release(&small);
}

void check_every_task(gp_model *m, const gp_image *y, task_params_fn params)
{
    check_reconstruct_and_inpaint(m, y, params);
    check_colorize(m, y, params);
    check_superres(m, y, params);
}

bool cancel_at_5(void *user, int iteration, int total, float loss)
{
    (void)total;
    (void)loss;
    *(int *)user = iteration;
    return iteration < 5;
}
