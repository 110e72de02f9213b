/* test_bridge.c — the bridge on GEGL buffers, without GIMP: what reaches
 * the user's layer.  A random PGGAN-32 stands in for a face model; the
 * checks are about the merges, not about how good the fill looks.
 *
 *  - inpaint: a feathered two-part selection on a layer offset in the
 *    image changes no pixel outside it, every pixel inside it, and blends
 *    the feathered ring; the output covers the layer;
 *  - colorize: CIE L* of the result equals the layer's (float, no
 *    rounding), chroma is the generator's;
 *  - superres: factor x the region, whose block means give the region
 *    back; a gray 8-bit layer works like an RGB float one;
 *  - reconstruct: the selection's box, at the box's size;
 *  - refusals: no selection for inpaint, a too small region, a too large
 *    enlargement, each with its message;
 *  - cancel: a progress callback that says stop, as the plug-in's Stop
 *    button does, ends every task with GP_ERR_CANCELLED within a few
 *    callbacks, no result, the layer untouched (leaks: the ASan run). */
#include "bridge.h"
#include "check.h"
#include "testmodel.h"

#include <gegl.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { W = 48, H = 40, OX = 7, OY = 3 }; /* the layer, and its place in the image */

static GeglBuffer *make_layer_sized(int w, int h, const char *format)
{
    float *px = malloc(sizeof(float) * 4 * w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = px + ((size_t)y * w + x) * 4;
            p[0] = 0.2f + 0.6f * x / w;
            p[1] = 0.3f + 0.4f * y / h;
            p[2] = 0.5f + 0.3f * sinf(0.3f * (float)(x + y));
            p[3] = 1.0f;
        }
    GeglBuffer *b = gegl_buffer_new(GEGL_RECTANGLE(0, 0, w, h), babl_format(format));
    gegl_buffer_set(b, NULL, 0, babl_format("R'G'B'A float"), px, GEGL_AUTO_ROWSTRIDE);
    free(px);
    return b;
}

static GeglBuffer *make_layer(const char *format)
{
    return make_layer_sized(W, H, format);
}

/* Image-sized selection: two blocks, the first with a half-selected ring. */
static GeglBuffer *make_selection(float *in_layer)
{
    const int iw = W + OX + 5, ih = H + OY + 5;
    float *sel = calloc((size_t)iw * ih, sizeof(float));
    memset(in_layer, 0, sizeof(float) * W * H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            float v = 0.0f;
            if (x >= 8 && x < 20 && y >= 8 && y < 18)
                v = (x == 8 || x == 19 || y == 8 || y == 17) ? 0.5f : 1.0f;
            if (x >= 30 && x < 38 && y >= 24 && y < 32)
                v = 1.0f;
            in_layer[y * W + x] = v;
            sel[(size_t)(y + OY) * iw + x + OX] = v;
        }
    GeglBuffer *b = gegl_buffer_new(GEGL_RECTANGLE(0, 0, iw, ih), babl_format("Y float"));
    gegl_buffer_set(b, NULL, 0, babl_format("Y float"), sel, GEGL_AUTO_ROWSTRIDE);
    free(sel);
    return b;
}

static float *read_rgba(GeglBuffer *b, const GeglRectangle *r)
{
    float *px = malloc(sizeof(float) * 4 * r->width * r->height);
    gegl_buffer_get(b, r, 1.0, babl_format("R'G'B'A float"), px, GEGL_AUTO_ROWSTRIDE,
                    GEGL_ABYSS_NONE);
    return px;
}

static gp_invert_params quick(gp_task task)
{
    gp_invert_params p;
    gp_invert_params_default(&p, task);
    p.composition.codes = 4;
    p.search.iterations = 20;
    p.search.restarts = 1;
    p.search.perceptual_weight = 0.0f;
    return p;
}

static void test_inpaint(gp_model *m)
{
    float cover[W * H];
    GeglBuffer *layer = make_layer("R'G'B'A float"), *sel = make_selection(cover);
    gpb_input in = { layer, sel, OX, OY };
    gp_invert_params p = quick(GP_TASK_INPAINT);
    gpb_output out;
    gp_error err;
    CHECK(gpb_run(m, &p, &in, &out, &err) == GP_OK, "inpaint: %s", err.message);
    if (!out.buffer)
        goto done;
    const GeglRectangle *e = gegl_buffer_get_extent(out.buffer);
    CHECK(e->x == 0 && e->y == 0 && e->width == W && e->height == H,
          "inpaint covers the layer: %d,%d %dx%d", e->x, e->y, e->width, e->height);
    float *a = read_rgba(layer, e), *b = read_rgba(out.buffer, e);
    int outside_changed = 0, inside_same = 0;
    for (int i = 0; i < W * H; i++) {
        float d = fabsf(a[i * 4] - b[i * 4]) + fabsf(a[i * 4 + 1] - b[i * 4 + 1]) +
                  fabsf(a[i * 4 + 2] - b[i * 4 + 2]);
        outside_changed += cover[i] == 0.0f && d != 0.0f;
        inside_same += cover[i] == 1.0f && d < 1e-4f;
    }
    CHECK(outside_changed == 0, "%d pixels outside the selection changed", outside_changed);
    CHECK(inside_same == 0, "%d selected pixels kept their old value", inside_same);
    free(a);
    free(b);
    g_object_unref(out.buffer);
done:
    g_object_unref(layer);
    g_object_unref(sel);
}

static double lightness_error(GeglBuffer *x, GeglBuffer *y, const GeglRectangle *r,
                              double *chroma)
{
    const int n = r->width * r->height;
    float *lx = malloc(sizeof(float) * 3 * n), *ly = malloc(sizeof(float) * 3 * n);
    gegl_buffer_get(x, r, 1.0, babl_format("CIE Lab float"), lx, GEGL_AUTO_ROWSTRIDE,
                    GEGL_ABYSS_NONE);
    gegl_buffer_get(y, r, 1.0, babl_format("CIE Lab float"), ly, GEGL_AUTO_ROWSTRIDE,
                    GEGL_ABYSS_NONE);
    double worst = 0.0;
    *chroma = 0.0;
    for (int i = 0; i < n; i++) {
        worst = fmax(worst, fabs(lx[i * 3] - ly[i * 3]));
        *chroma += hypot(ly[i * 3 + 1], ly[i * 3 + 2]) / n;
    }
    free(lx);
    free(ly);
    return worst;
}

/* The small layer, and one of more pixels than the merge converts at once. */
static void test_colorize(gp_model *m)
{
    const int sizes[2][2] = { { W, H }, { 300, 240 } };
    for (int k = 0; k < 2; k++) {
        GeglBuffer *layer = make_layer_sized(sizes[k][0], sizes[k][1], "R'G'B'A float");
        gpb_input in = { layer, NULL, 0, 0 };
        gp_invert_params p = quick(GP_TASK_COLORIZE);
        gpb_output out;
        gp_error err;
        CHECK(gpb_run(m, &p, &in, &out, &err) == GP_OK, "colorize: %s", err.message);
        if (out.buffer) {
            double chroma;
            const double dl =
                lightness_error(layer, out.buffer, gegl_buffer_get_extent(layer), &chroma);
            CHECK(dl < 0.05, "colorize %dx%d moved L* by %.4f", sizes[k][0], sizes[k][1], dl);
            CHECK(chroma > 1.0, "colorize %dx%d gave no colour (mean chroma %.3f)", sizes[k][0],
                  sizes[k][1], chroma);
            g_object_unref(out.buffer);
        }
        g_object_unref(layer);
    }
}

static void test_superres(gp_model *m, const char *format)
{
    GeglBuffer *layer = make_layer(format);
    gpb_input in = { layer, NULL, 0, 0 };
    gp_invert_params p = quick(GP_TASK_SUPERRES);
    p.superres_factor = 4;
    gpb_output out;
    gp_error err;
    CHECK(gpb_run(m, &p, &in, &out, &err) == GP_OK, "superres (%s): %s", format, err.message);
    if (!out.buffer)
        goto done;
    const GeglRectangle *e = gegl_buffer_get_extent(out.buffer);
    CHECK(e->width == 4 * W && e->height == 4 * H, "superres size %dx%d", e->width, e->height);
    gp_image hi, low = { 0 };
    gp_image_alloc(&hi, e->width, e->height, 3);
    gegl_buffer_get(out.buffer, e, 1.0, babl_format("R'G'B' float"), hi.data,
                    GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    CHECK(gp_image_reduce(&hi, 4, &low, &err) == GP_OK, "reduce: %s", err.message);
    float *src = malloc(sizeof(float) * 3 * W * H);
    gegl_buffer_get(layer, NULL, 1.0, babl_format("R'G'B' float"), src, GEGL_AUTO_ROWSTRIDE,
                    GEGL_ABYSS_NONE);
    double worst = 0.0;
    for (int i = 0; low.data && i < 3 * W * H; i++)
        worst = fmax(worst, fabs(low.data[i] - src[i]));
    CHECK(worst < 4.0 / 255.0, "superres (%s) reduces back within %.4f", format, worst);
    free(src);
    gp_image_release(&hi);
    gp_image_release(&low);
    g_object_unref(out.buffer);
done:
    g_object_unref(layer);
}

static void test_reconstruct_box(gp_model *m)
{
    float cover[W * H];
    GeglBuffer *layer = make_layer("R'G'B'A u8"), *sel = make_selection(cover);
    gpb_input in = { layer, sel, OX, OY };
    gp_invert_params p = quick(GP_TASK_RECONSTRUCT);
    gpb_output out;
    gp_error err;
    CHECK(gpb_run(m, &p, &in, &out, &err) == GP_OK, "reconstruct: %s", err.message);
    if (out.buffer) {
        const GeglRectangle *e = gegl_buffer_get_extent(out.buffer);
        CHECK(e->x == 8 && e->y == 8 && e->width == 30 && e->height == 24,
              "reconstruct region %d,%d %dx%d (the selection's box 8,8 30x24)", e->x, e->y,
              e->width, e->height);
        g_object_unref(out.buffer);
    }
    g_object_unref(layer);
    g_object_unref(sel);
}

static void expect_refusal(gp_model *m, gp_task task, int factor, GeglBuffer *layer,
                           const char *words)
{
    gpb_input in = { layer, NULL, 0, 0 };
    gp_invert_params p = quick(task);
    p.superres_factor = factor;
    gpb_output out;
    gp_error err;
    gp_status s = gpb_run(m, &p, &in, &out, &err);
    CHECK(s == GP_ERR_ARGUMENT && strstr(err.message, words) && !out.buffer,
          "expected a refusal mentioning '%s', got %d '%s'", words, (int)s, err.message);
}

static void test_refusals(gp_model *m)
{
    GeglBuffer *layer = make_layer("R'G'B'A float");
    expect_refusal(m, GP_TASK_INPAINT, 4, layer, "nothing of this layer is selected");
    g_object_unref(layer);
    GeglBuffer *wide = gegl_buffer_new(GEGL_RECTANGLE(0, 0, 1100, 8), babl_format("R'G'B' u8"));
    expect_refusal(m, GP_TASK_SUPERRES, 16, wide, "would exceed");
    g_object_unref(wide);
    GeglBuffer *tiny = gegl_buffer_new(GEGL_RECTANGLE(0, 0, 3, 9), babl_format("R'G'B' u8"));
    expect_refusal(m, GP_TASK_RECONSTRUCT, 4, tiny, "only 3x9 pixels");
    g_object_unref(tiny);
    /* 300 megapixels: refused before a pixel is read (GEGL makes its tiles
     * only when written, so this buffer costs nothing). */
    GeglBuffer *huge = gegl_buffer_new(GEGL_RECTANGLE(0, 0, 20000, 15000), babl_format("R'G'B' u8"));
    expect_refusal(m, GP_TASK_RECONSTRUCT, 4, huge, "20000x15000 pixels");
    g_object_unref(huge);
}

typedef struct stopper {
    int calls, stop_after;
} stopper;

static bool stop_soon(void *user, int iteration, int total, float loss)
{
    (void)iteration, (void)total, (void)loss;
    stopper *st = user;
    return ++st->calls < st->stop_after;
}

static void test_cancel(gp_model *m)
{
    const gp_task tasks[] = { GP_TASK_RECONSTRUCT, GP_TASK_INPAINT, GP_TASK_COLORIZE,
                              GP_TASK_SUPERRES };
    for (size_t t = 0; t < sizeof tasks / sizeof tasks[0]; t++) {
        GeglBuffer *layer = make_layer("R'G'B'A float");
        float cover[W * H];
        GeglBuffer *sel = make_selection(cover);
        gpb_input in = { layer, sel, OX, OY };
        const GeglRectangle all = { 0, 0, W, H };
        float *before = read_rgba(layer, &all);
        gp_invert_params p = quick(tasks[t]);
        p.superres_factor = 4;
        p.tune.steps = 10;
        stopper st = { 0, 5 };
        p.progress = stop_soon;
        p.progress_user = &st;
        gpb_output out;
        gp_error err;
        gp_status s = gpb_run(m, &p, &in, &out, &err);
        CHECK(s == GP_ERR_CANCELLED && !out.buffer, "task %d: cancel gave %d '%s'", (int)tasks[t],
              (int)s, err.message);
        CHECK(st.calls == st.stop_after, "task %d: %d callbacks after the stop", (int)tasks[t],
              st.calls - st.stop_after);
        float *after = read_rgba(layer, &all);
        CHECK(!memcmp(before, after, sizeof(float) * 4 * W * H), "task %d: the layer changed",
              (int)tasks[t]);
        free(before);
        free(after);
        g_object_unref(sel);
        g_object_unref(layer);
    }
}

int main(void)
{
    gegl_init(NULL, NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/pggan32-bridge.safetensors", testmodel_tmpdir());
    const int channels[4] = { 32, 32, 16, 16 };
    CHECK(testmodel_write_pggan(path, 32, 32, channels, 5), "cannot write the test model");
    gp_model *m = NULL;
    gp_error err;
    CHECK(gp_model_load(path, &m, &err) == GP_OK, "load: %s", err.message);
    if (m) {
        test_inpaint(m);
        test_colorize(m);
        test_superres(m, "R'G'B'A float");
        test_superres(m, "Y' u8");
        test_reconstruct_box(m);
        test_refusals(m);
        test_cancel(m);
        gp_model_free(m);
    }
    gegl_exit();
    return CHECK_DONE();
}
