/* merge_colorize.c — the picture's own lightness, the generator's colours.
 *
 * In CIE L*a*b* (babl's conversion, D50, from the sRGB-encoded region)
 * the result takes L* from the original at full resolution and a*, b*
 * from the generated image scaled to the region, bilinearly and a strip
 * of rows at a time: chroma is smooth at the generator's resolution, and
 * GEGL's LoHalo enlargement (and its region-size copy) was most of the
 * 28 s a 6000x4000 photo took.  A lightness paired
 * with a chroma it cannot have in sRGB would be clipped on the way back,
 * changing L*; such pixels get their chroma scaled down (bisection on
 * the factor) until the colour fits, so L* stays the original's. */
#include "internal.h"

#include <stdlib.h>

/* Bisection steps: 2^-12 of the chroma is below 8-bit visibility. */
enum { STEPS = 12 };

static bool in_gamut(const float *rgb)
{
    const float eps = 1e-4f;
    for (int c = 0; c < 3; c++)
        if (rgb[c] < -eps || rgb[c] > 1.0f + eps)
            return false;
    return true;
}

/* For each out-of-gamut pixel of rgb (converted from lab), the largest
 * chroma factor found that fits; rgb rewritten with it. */
static gp_status fit_gamut(const float *lab, float *rgb, size_t n, const Babl *from_lab)
{
    size_t *idx = malloc(n * sizeof *idx), m = 0;
    for (size_t i = 0; idx && i < n; i++)
        if (!in_gamut(rgb + i * 3))
            idx[m++] = i;
    float *trial = idx ? malloc((m ? m : 1) * 6 * sizeof(float)) : NULL;
    float *lo = trial ? malloc((m ? m : 1) * 2 * sizeof(float)) : NULL;
    if (!lo) {
        free(idx);
        free(trial);
        return GP_ERR_MEMORY;
    }
    float *hi = lo + m, *trial_rgb = trial + 3 * m;
    for (size_t k = 0; k < m; k++)
        lo[k] = 0.0f, hi[k] = 1.0f;
    for (int step = 0; step <= STEPS && m; step++) {
        const bool last = step == STEPS; /* then convert the factors found */
        for (size_t k = 0; k < m; k++) {
            const float *p = lab + idx[k] * 3;
            const float f = last ? lo[k] : 0.5f * (lo[k] + hi[k]);
            trial[k * 3] = p[0], trial[k * 3 + 1] = f * p[1], trial[k * 3 + 2] = f * p[2];
        }
        babl_process(from_lab, trial, trial_rgb, (long)m);
        for (size_t k = 0; k < m && !last; k++) {
            const float f = 0.5f * (lo[k] + hi[k]);
            *(in_gamut(trial_rgb + k * 3) ? &lo[k] : &hi[k]) = f;
        }
    }
    for (size_t k = 0; k < m; k++)
        for (int c = 0; c < 3; c++) {
            const float v = trial_rgb[k * 3 + c];
            rgb[idx[k] * 3 + c] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
    free(lo);
    free(trial);
    free(idx);
    return GP_OK;
}

/* n pixels: rgb (the original, rewritten) and colour (the generated
 * image at the region's size) through lab and chroma, room for n each. */
static gp_status merge_pixels(float *rgb, const float *colour, size_t n, float *lab,
                              float *chroma, const Babl *to_lab, const Babl *from_lab)
{
    babl_process(to_lab, rgb, lab, (long)n);
    babl_process(to_lab, colour, chroma, (long)n);
    for (size_t i = 0; i < n; i++)
        lab[i * 3 + 1] = chroma[i * 3 + 1], lab[i * 3 + 2] = chroma[i * 3 + 2];
    babl_process(from_lab, lab, rgb, (long)n);
    return fit_gamut(lab, rgb, n, from_lab);
}

gp_status gpb_merge_colorize(gpb_pixels *px, const gp_image *colour, gp_error *err)
{
    /* Rows at a time: the Lab copies and the scaled colour stay small
     * however big the layer is. */
    enum { STRIP_ROWS = 16 };
    const Babl *rgb_f = babl_format("R'G'B' float"), *lab_f = babl_format("CIE Lab float");
    const Babl *to_lab = babl_fish(rgb_f, lab_f), *from_lab = babl_fish(lab_f, rgb_f);
    const int w = px->rgb.width, h = px->rgb.height;
    const size_t most = (size_t)w * STRIP_ROWS;
    float *lab = malloc(most * 3 * sizeof(float)), *chroma = malloc(most * 3 * sizeof(float));
    gp_status s = lab && chroma ? GP_OK : GP_ERR_MEMORY;
    for (int y0 = 0; s == GP_OK && y0 < h; y0 += STRIP_ROWS) {
        const int rows = h - y0 < STRIP_ROWS ? h - y0 : STRIP_ROWS;
        gp_image strip = { 0 };
        s = gp_image_resample_part(colour, NULL, w, h, y0, rows, &strip, NULL);
        if (s == GP_OK)
            s = merge_pixels(px->rgb.data + (size_t)y0 * w * 3, strip.data, (size_t)w * rows, lab,
                             chroma, to_lab, from_lab);
        gp_image_release(&strip);
    }
    free(lab);
    free(chroma);
    return s == GP_OK ? GP_OK : gp_fail(err, s, "out of memory colorizing the region");
}
