/* test_merge_inpaint.c — the Poisson clone that merges an inpainting fill.
 *
 * A fill that is the picture plus an offset the Laplacian annihilates
 * (a constant; a linear ramp away from the region's free border) must
 * come back as the picture itself inside the hole: the correction is
 * exactly minus that offset.  Around that: pixels outside the selection
 * are bit-identical, a half-selected pixel is half blended, a fully
 * selected region (no known pixel to meet) gets the plain fill, the
 * centred rectangle that made GEGL's seamless-clone crash is merged, and
 * a fill given only over gpb_inpaint_reach merges exactly as a whole one. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { W = 40, H = 32 };
#define WHOLE GEGL_RECTANGLE(0, 0, W, H)

typedef float (*offset_fn)(int x, int y, int c);

static float constant(int x, int y, int c)
{
    (void)x, (void)y;
    return 0.2f - 0.1f * (float)c;
}

static float ramp(int x, int y, int c)
{
    return 0.1f + 0.01f * (float)x - 0.02f * (float)y + 0.05f * (float)c;
}

static void picture(gpb_pixels *px)
{
    memset(px, 0, sizeof *px);
    px->area = (GeglRectangle){ 5, 3, W, H };
    gp_image_alloc(&px->rgb, W, H, 3);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3; c++)
                px->rgb.data[((size_t)y * W + x) * 3 + c] =
                    0.5f + 0.3f * sinf(0.37f * (float)x + 0.23f * (float)(y * (c + 1)));
}

static void make_fill(const gpb_pixels *px, offset_fn off, gp_image *fill)
{
    gp_image_alloc(fill, W, H, 3);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3; c++) {
                const size_t i = ((size_t)y * W + x) * 3 + c;
                fill->data[i] = px->rgb.data[i] + off(x, y, c);
            }
}

static void select_box(gp_image *cover, int x0, int y0, int x1, int y1, float value)
{
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            cover->data[(size_t)y * W + x] = value;
}

/* Largest |merged - original| inside and outside the selection. */
static void errors(const gpb_pixels *merged, const gpb_pixels *orig, const gp_image *cover,
                   float *inside, float *outside)
{
    *inside = *outside = 0.0f;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        const float e = fabsf(merged->rgb.data[i] - orig->rgb.data[i]);
        float *worst = cover->data[i / 3] > 0.0f ? inside : outside;
        *worst = e > *worst ? e : *worst;
    }
}

/* The fill (picture + off) merged through the selection box; checks the
 * picture comes back inside and nothing moves outside. */
static void recovers(const char *what, offset_fn off, int x0, int y0, int x1, int y1)
{
    gpb_pixels px, orig;
    picture(&px);
    picture(&orig);
    gp_image fill = { 0 }, cover = { 0 };
    make_fill(&px, off, &fill);
    gp_image_alloc(&cover, W, H, 1);
    select_box(&cover, x0, y0, x1, y1, 1.0f);
    gp_error err;
    CHECK(gpb_merge_inpaint(&px, &cover, &fill, WHOLE, &err) == GP_OK, "%s: %s", what, err.message);
    float inside, outside;
    errors(&px, &orig, &cover, &inside, &outside);
    CHECK(inside < 2e-4f, "%s: the picture is off by %g inside the hole", what, inside);
    CHECK(outside == 0.0f, "%s: a pixel outside the selection moved by %g", what, outside);
    gp_image_release(&fill);
    gp_image_release(&cover);
    gpb_pixels_release(&px);
    gpb_pixels_release(&orig);
}

static float bumpy(int x, int y, int c)
{
    return 0.2f * sinf(0.9f * (float)x) * cosf(0.7f * (float)(y + c));
}

/* Merges fill (picture + off) through cover into a fresh picture. */
static void merge(offset_fn off, const gp_image *cover, gpb_pixels *px)
{
    picture(px);
    gp_image fill = { 0 };
    make_fill(px, off, &fill);
    gp_error err;
    CHECK(gpb_merge_inpaint(px, cover, &fill, WHOLE, &err) == GP_OK, "merge: %s", err.message);
    gp_image_release(&fill);
}

/* A half-selected pixel gets half of what a fully selected one gets; a
 * region selected whole has no known pixel to meet and gets the plain
 * fill. */
static void blends(void)
{
    gpb_pixels full, soft, orig;
    picture(&orig);
    gp_image cover = { 0 };
    gp_image_alloc(&cover, W, H, 1);
    select_box(&cover, 10, 10, 21, 20, 1.0f);
    merge(bumpy, &cover, &full);
    select_box(&cover, 20, 10, 21, 20, 0.5f); /* a feathered column */
    merge(bumpy, &cover, &soft);
    float worst = 0.0f;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        const float a = cover.data[i / 3] > 0.0f && cover.data[i / 3] < 1.0f ? 0.5f : 1.0f;
        const float want = orig.rgb.data[i] + a * (full.rgb.data[i] - orig.rgb.data[i]);
        worst = fmaxf(worst, fabsf(soft.rgb.data[i] - want));
    }
    CHECK(worst < 1e-6f, "soft: a half-selected pixel is off half the blend by %g", worst);

    select_box(&cover, 0, 0, W, H, 1.0f);
    gpb_pixels_release(&soft);
    merge(bumpy, &cover, &soft);
    gp_image fill = { 0 };
    make_fill(&orig, bumpy, &fill);
    CHECK(!memcmp(soft.rgb.data, fill.data, (size_t)W * H * 3 * sizeof(float)),
          "whole: a region selected whole is not the plain fill");
    gp_image_release(&fill);
    gp_image_release(&cover);
    gpb_pixels_release(&full);
    gpb_pixels_release(&soft);
    gpb_pixels_release(&orig);
}

/* The fill cut to the reach of an irregular, soft selection: the same
 * merged pixels, bit for bit, as with the fill over the whole region;
 * and the reach is the selection's box grown by the margin and outline. */
static void reach_suffices(void)
{
    gp_image cover = { 0 };
    gp_image_alloc(&cover, W, H, 1);
    select_box(&cover, 14, 9, 22, 13, 1.0f);
    select_box(&cover, 19, 13, 24, 21, 0.6f);
    const GeglRectangle reach = gpb_inpaint_reach(&cover);
    CHECK(reach.x == 11 && reach.y == 6 && reach.width == 16 && reach.height == 18,
          "reach: %d,%d %dx%d, not the box 14,9 10x12 grown by 3", reach.x, reach.y,
          reach.width, reach.height);
    gpb_pixels whole, part;
    merge(bumpy, &cover, &whole);
    picture(&part);
    gp_image fill = { 0 }, cut = { 0 };
    make_fill(&part, bumpy, &fill);
    gp_image_alloc(&cut, reach.width, reach.height, 3);
    for (int y = 0; y < reach.height; y++)
        memcpy(cut.data + (size_t)y * reach.width * 3,
               fill.data + ((size_t)(y + reach.y) * W + reach.x) * 3,
               (size_t)reach.width * 3 * sizeof(float));
    gp_error err;
    CHECK(gpb_merge_inpaint(&part, &cover, &cut, &reach, &err) == GP_OK, "cut: %s", err.message);
    CHECK(!memcmp(part.rgb.data, whole.rgb.data, (size_t)W * H * 3 * sizeof(float)),
          "a fill cut to the reach merges differently from a whole one");
    gp_image_release(&fill);
    gp_image_release(&cut);
    gp_image_release(&cover);
    gpb_pixels_release(&whole);
    gpb_pixels_release(&part);
}

int main(void)
{
    recovers("centred square, constant offset", constant, 12, 8, 28, 24);
    recovers("centred square, linear offset", ramp, 12, 8, 28, 24);
    recovers("a one-pixel line", ramp, 6, 15, 34, 16);
    recovers("touching the region's corner", constant, 0, 0, 9, 7);
    recovers("touching three borders", constant, 0, 0, W, 20);
    blends();
    reach_suffices();
    return CHECK_DONE();
}
