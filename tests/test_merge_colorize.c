/* test_merge_colorize.c — the colorize merge against babl's Lab and the
 * area resampler as references: on a gray ramp region (40x30) and a
 * colour image of another size (7x5; strong colours, so that a fifth of
 * the pixels cannot have them at their lightness), every merged pixel
 * keeps the region's CIE L*; where the wanted colour fits in sRGB its
 * a*, b* are those of the colour image scaled to the region bilinearly
 * (gp_image_resample); the others get a smaller chroma of the same hue. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

enum { W = 40, H = 30, CW = 7, CH = 5 };

static void to_lab(const gp_image *rgb, float *lab)
{
    babl_process(babl_fish(babl_format("R'G'B' float"), babl_format("CIE Lab float")), rgb->data,
                 lab, (long)rgb->width * rgb->height);
}

int main(void)
{
    gegl_init(NULL, NULL);
    gpb_pixels px = { .area = { 0, 0, W, H } };
    gp_image_alloc(&px.rgb, W, H, 3);
    gp_image_alloc(&px.alpha, W, H, 1);
    for (int i = 0; i < W * H; i++)
        px.rgb.data[i * 3] = px.rgb.data[i * 3 + 1] = px.rgb.data[i * 3 + 2] =
            0.15f + 0.7f * (float)(i % W) / W;
    gp_image colour = { 0 }, scaled = { 0 };
    gp_image_alloc(&colour, CW, CH, 3);
    for (int i = 0; i < CW * CH; i++) {
        colour.data[i * 3] = 0.5f + 0.4f * sinf((float)i);
        colour.data[i * 3 + 1] = 0.5f + 0.3f * cosf(0.7f * (float)i);
        colour.data[i * 3 + 2] = 0.45f;
    }
    static float before[W * H * 3], after[W * H * 3], want[W * H * 3];
    to_lab(&px.rgb, before);
    gp_error err;
    CHECK(gp_image_resample(&colour, W, H, &scaled, &err) == GP_OK, "scale: %s", err.message);
    to_lab(&scaled, want);
    CHECK(gpb_merge_colorize(&px, &colour, &err) == GP_OK, "merge: %s", err.message);
    to_lab(&px.rgb, after);
    /* Which pixels' wanted colour (the region's L*, the scaled a*, b*) fits in sRGB. */
    static float target[W * H * 3], target_rgb[W * H * 3];
    for (int i = 0; i < W * H; i++)
        target[i * 3] = before[i * 3], target[i * 3 + 1] = want[i * 3 + 1],
        target[i * 3 + 2] = want[i * 3 + 2];
    babl_process(babl_fish(babl_format("CIE Lab float"), babl_format("R'G'B' float")), target,
                 target_rgb, W * H);
    float worst_l = 0.0f, worst_ab = 0.0f, worst_hue = 0.0f;
    int fitted = 0, reduced = 0;
    for (int i = 0; i < W * H; i++) {
        const float *b = before + i * 3, *a = after + i * 3, *c = want + i * 3;
        worst_l = fmaxf(worst_l, fabsf(a[0] - b[0]));
        bool fits = true;
        for (int k = 0; k < 3; k++)
            fits = fits && target_rgb[i * 3 + k] > -1e-4f && target_rgb[i * 3 + k] < 1.0f + 1e-4f;
        if (fits) {
            fitted++;
            worst_ab = fmaxf(worst_ab, fmaxf(fabsf(a[1] - c[1]), fabsf(a[2] - c[2])));
        } else if (hypotf(a[1], a[2]) > 1.0f) { /* scaled down: the same hue */
            reduced++;
            worst_hue = fmaxf(worst_hue, fabsf(atan2f(a[2], a[1]) - atan2f(c[2], c[1])));
        }
    }
    CHECK(worst_l < 0.05f, "L* moved by up to %g", worst_l);
    CHECK(fitted > W * H / 2 && reduced > 20, "%d pixels fit, %d reduced: the test's colours "
          "should give both", fitted, reduced);
    CHECK(worst_ab < 0.05f, "a*, b* off the scaled colour's by up to %g", worst_ab);
    CHECK(worst_hue < 0.02f, "a scaled-down chroma changed hue by %g rad", worst_hue);
    gp_image_release(&colour);
    gp_image_release(&scaled);
    gpb_pixels_release(&px);
    gegl_exit();
    return CHECK_DONE();
}
