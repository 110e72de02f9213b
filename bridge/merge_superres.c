/* merge_superres.c — the enlarged region, consistent with the region.
 *
 * The generated image, scaled to factor x the region's size, brings the
 * detail; iterative back-projection (Irani & Peleg, "Improving
 * resolution by image registration", CVGIP 1991) makes it honest: the
 * difference between the region and the result's factor x factor block
 * means is enlarged smoothly and added back, until the result reduces to
 * the region again.  The region's pixels thereby override the
 * generator wherever they disagree, at every scale it can see. */
#include "internal.h"

/* Each round removes most of the remaining low-frequency disagreement;
 * after this many the block means match to well under one 8-bit level. */
enum { ROUNDS = 12 };

static void clamp01(gp_image *img)
{
    const size_t n = (size_t)img->width * img->height * img->channels;
    for (size_t i = 0; i < n; i++)
        img->data[i] = img->data[i] < 0.0f ? 0.0f : img->data[i] > 1.0f ? 1.0f : img->data[i];
}

/* hi += enlarge(low - reduce(hi)). */
static gp_status project_back(const gp_image *low, int factor, gp_image *hi, gp_error *err)
{
    gp_image reduced = { 0 }, up = { 0 };
    gp_status s = gp_image_reduce(hi, factor, &reduced, err);
    if (s != GP_OK)
        return s;
    const size_t n = (size_t)low->width * low->height * 3;
    for (size_t i = 0; i < n; i++)
        reduced.data[i] = low->data[i] - reduced.data[i];
    s = gpb_resample_lohalo(&reduced, hi->width, hi->height, &up, err);
    if (s == GP_OK) {
        const size_t m = (size_t)hi->width * hi->height * 3;
        for (size_t i = 0; i < m; i++)
            hi->data[i] += up.data[i];
        clamp01(hi);
    }
    gp_image_release(&up);
    gp_image_release(&reduced);
    return s;
}

gp_status gpb_merge_superres(const gpb_pixels *px, const gp_image *generated, int factor,
                             gp_image *hi, gp_error *err)
{
    const gp_image *low = &px->rgb;
    gp_status s = gpb_resample_lohalo(generated, low->width * factor, low->height * factor, hi, err);
    for (int round = 0; round < ROUNDS && s == GP_OK; round++)
        s = project_back(low, factor, hi, err);
    if (s != GP_OK)
        gp_image_release(hi);
    return s;
}
