/* test_resample.c — resampling a part: gpb_resample_lohalo_part must give
 * the pixels the whole resample has inside the part, to a float rounding
 * (inpainting resamples the generator's fill only around the hole), and
 * gp_image_resample_part the whole area resample's rows exactly (colorize
 * scales the colours a strip at a time); enlarging and reducing, RGB and
 * gray, at a border and inside. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

/* GEGL renders a part in other chunks than the whole, which can move a
 * value by a float rounding (1.2e-7 seen); a 16-bit level is 1.5e-5. */
#define TOLERANCE 1e-6f

static void pattern(gp_image *img, int w, int h, int channels)
{
    gp_image_alloc(img, w, h, channels);
    for (size_t i = 0; i < (size_t)w * h * channels; i++)
        img->data[i] = 0.5f + 0.4f * sinf(0.37f * (float)i + 0.01f * (float)(i % 7));
}

static void part_matches(int sw, int sh, int channels, int w, int h, GeglRectangle part)
{
    gp_image src = { 0 }, whole = { 0 }, cut = { 0 };
    pattern(&src, sw, sh, channels);
    gp_error err;
    CHECK(gpb_resample_lohalo(&src, w, h, &whole, &err) == GP_OK, "whole: %s", err.message);
    CHECK(gpb_resample_lohalo_part(&src, w, h, &part, &cut, &err) == GP_OK, "part: %s",
          err.message);
    CHECK(cut.width == part.width && cut.height == part.height, "part is %dx%d, not %dx%d",
          cut.width, cut.height, part.width, part.height);
    float worst = 0.0f;
    for (int y = 0; y < part.height; y++)
        for (int x = 0; x < part.width * channels; x++)
            worst = fmaxf(worst, fabsf(cut.data[(size_t)y * part.width * channels + x] -
                                       whole.data[((size_t)(y + part.y) * w + part.x) * channels + x]));
    CHECK(worst < TOLERANCE, "%dx%d -> %dx%d, %d channels, part %d,%d %dx%d: off the whole "
          "resample by %g", sw, sh, w, h, channels, part.x, part.y, part.width, part.height,
          worst);
    gp_image_release(&src);
    gp_image_release(&whole);
    gp_image_release(&cut);
}

/* Strips of `rows` rows of the area resample, each equal to the same rows
 * of the whole one, bit for bit. */
static void rows_match(int sw, int sh, int channels, int w, int h, int rows)
{
    gp_image src = { 0 }, whole = { 0 };
    pattern(&src, sw, sh, channels);
    gp_error err;
    CHECK(gp_image_resample(&src, w, h, &whole, &err) == GP_OK, "whole: %s", err.message);
    int differ = 0;
    for (int y0 = 0; y0 < h; y0 += rows) {
        const int n = h - y0 < rows ? h - y0 : rows;
        gp_image strip = { 0 };
        CHECK(gp_image_resample_part(&src, NULL, w, h, y0, n, &strip, &err) == GP_OK, "rows: %s",
              err.message);
        differ += strip.data == NULL ||
                  memcmp(strip.data, whole.data + (size_t)y0 * w * channels,
                         (size_t)w * n * channels * sizeof(float)) != 0;
        gp_image_release(&strip);
    }
    CHECK(differ == 0, "%dx%d -> %dx%d, %d channels, strips of %d rows: %d strips differ from "
          "the whole area resample", sw, sh, w, h, channels, rows, differ);
    gp_image_release(&src);
    gp_image_release(&whole);
}

int main(void)
{
    gegl_init(NULL, NULL);
    part_matches(32, 32, 3, 300, 260, (GeglRectangle){ 101, 77, 53, 61 });
    part_matches(32, 32, 3, 300, 260, (GeglRectangle){ 0, 0, 40, 40 });
    part_matches(32, 32, 3, 300, 260, (GeglRectangle){ 250, 210, 50, 50 });
    part_matches(32, 24, 1, 97, 80, (GeglRectangle){ 13, 2, 70, 9 });
    part_matches(200, 150, 3, 40, 30, (GeglRectangle){ 5, 7, 20, 11 });
    rows_match(32, 32, 3, 300, 260, 16);
    rows_match(32, 24, 1, 97, 80, 7);
    rows_match(200, 150, 3, 40, 30, 4);
    rows_match(50, 40, 3, 50, 40, 16);
    gegl_exit();
    return CHECK_DONE();
}
