/* full.c — `--full`: the picture as a GEGL buffer, the mask as its
 * selection, and the bridge does the rest. */
#include "full.h"
#include "cli.h"
#include "gegl_start.h"
#include "png_io.h"

#include "bridge.h"

#include <gegl.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GeglBuffer *wrap(const gp_image *img, const char *format)
{
    return gegl_buffer_linear_new_from_data(img->data, babl_format(format),
                                            GEGL_RECTANGLE(0, 0, img->width, img->height),
                                            GEGL_AUTO_ROWSTRIDE, NULL, NULL);
}

/* Rows of the merged region taken at a time: the picture's pixels are
 * compared and replaced strip by strip, with no region-size copy. */
enum { STRIP_ROWS = 64 };

/* Squared error of n merged pixels against the picture's, as the task's
 * report counts it: the luma for colorize, the three channels otherwise. */
static double squared_error(const float *merged, const float *picture, int n, bool luma)
{
    double sum = 0.0;
    for (int i = 0; i < 3 * n; i += 3) {
        if (luma) {
            const double d = (double)cli_luma(merged[i], merged[i + 1], merged[i + 2]) -
                             cli_luma(picture[i], picture[i + 1], picture[i + 2]);
            sum += d * d;
        } else {
            for (int c = 0; c < 3; c++) {
                const double d = (double)merged[i + c] - picture[i + c];
                sum += d * d;
            }
        }
    }
    return sum;
}

/* The merged region written over the picture where it belongs; the
 * task's PSNR over the whole picture (only the region changed) into
 * *psnr, inpainting's being the fit's. */
static gp_status merge_in_place(const gpb_output *merged, gp_task task, gp_image *picture,
                                double *psnr, gp_error *err)
{
    const GeglRectangle *e = gegl_buffer_get_extent(merged->buffer);
    float *strip = malloc((size_t)e->width * STRIP_ROWS * 3 * sizeof *strip);
    if (!strip)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the result");
    const bool luma = task == GP_TASK_COLORIZE;
    double sum = 0.0;
    for (int y0 = 0; y0 < e->height; y0 += STRIP_ROWS) {
        const int rows = e->height - y0 < STRIP_ROWS ? e->height - y0 : STRIP_ROWS;
        gegl_buffer_get(merged->buffer, GEGL_RECTANGLE(e->x, e->y + y0, e->width, rows), 1.0,
                        babl_format("R'G'B' float"), strip, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
        for (int r = 0; r < rows; r++) {
            float *dst = picture->data + ((size_t)(e->y + y0 + r) * picture->width + e->x) * 3;
            const float *src = strip + (size_t)r * e->width * 3;
            sum += squared_error(src, dst, e->width, luma);
            memcpy(dst, src, (size_t)e->width * 3 * sizeof *dst);
        }
    }
    free(strip);
    const size_t count = (size_t)picture->width * picture->height * (luma ? 1 : 3);
    *psnr = task == GP_TASK_INPAINT ? merged->report.fit_psnr : cli_psnr_of(sum, count);
    return GP_OK;
}

/* superres: out = the enlarged result, and its PSNR as the picture
 * (its block means against the picture's pixels). */
static gp_status take_enlarged(const gpb_output *merged, const gp_image *picture, gp_image *out,
                               double *psnr, gp_error *err)
{
    const GeglRectangle *e = gegl_buffer_get_extent(merged->buffer);
    if (gp_image_alloc(out, e->width, e->height, 3) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for a %dx%d result", e->width,
                       e->height);
    gegl_buffer_get(merged->buffer, e, 1.0, babl_format("R'G'B' float"), out->data,
                    GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    gp_image reduced = { 0 };
    *psnr = gp_image_resample(out, picture->width, picture->height, &reduced, NULL) == GP_OK
                ? cli_psnr(&reduced, picture, NULL)
                : NAN;
    gp_image_release(&reduced);
    return GP_OK;
}

/* The merged buffer into out: the enlarged result for superres; for the
 * others the picture itself, whose pixels out takes (the picture is left
 * empty: a photo-size copy saved), the region written over them. */
static gp_status take(const gpb_output *merged, gp_task task, gp_image *picture, gp_image *out,
                      double *psnr, gp_error *err)
{
    if (task == GP_TASK_SUPERRES)
        return take_enlarged(merged, picture, out, psnr, err);
    gp_status s = merge_in_place(merged, task, picture, psnr, err);
    if (s == GP_OK) {
        *out = *picture;
        *picture = (gp_image){ 0 };
    }
    return s;
}

/* The bridge's run on picture (or, with a finder, its faces run; name:
 * how messages call the picture), merged into out. */
static gp_status run_merged(gp_model *m, gp_face_finder *finder, const gp_invert_params *p,
                            gp_image *picture, const gp_image *mask, const char *name,
                            cli_full_result *out, gp_error *err)
{
    cli_gegl_start();
    gpb_input in = { .layer = wrap(picture, "R'G'B' float"),
                     .selection = mask ? wrap(mask, "Y float") : NULL };
    gpb_output merged;
    gp_status s = finder ? gpb_run_faces(m, finder, p, &in, name,
                                         "Run without --faces to use the whole picture.", &merged,
                                         err)
                         : gpb_run(m, p, &in, &merged, err);
    if (s == GP_OK) {
        if (finder)
            fprintf(stderr, "ganprior: note: %d face%s found in %s\n", merged.found,
                    merged.found == 1 ? "" : "s", name);
        /* The result covers the region the bridge worked on (inpainting:
         * around the hole); the rest of the picture is the picture's. */
        s = take(&merged, p->task, picture, &out->image, &out->psnr, err);
        out->report = merged.report;
        out->faces = merged.faces;
        g_object_unref(merged.buffer);
    }
    if (in.selection)
        g_object_unref(in.selection);
    g_object_unref(in.layer);
    return s;
}

gp_status cli_full_run(gp_model *m, const gp_invert_params *p, gp_image *picture,
                       const gp_image *mask, cli_full_result *out, gp_error *err)
{
    return run_merged(m, NULL, p, picture, mask, NULL, out, err);
}

gp_status cli_full_faces(gp_model *m, const gp_invert_params *p, gp_image *picture,
                         const gp_image *mask, const char *name, cli_full_result *out,
                         gp_error *err)
{
    gp_face_finder *finder = NULL;
    gp_status s = gp_face_finder_load(NULL, NULL, &finder, err);
    if (s == GP_OK)
        s = run_merged(m, finder, p, picture, mask, name, out, err);
    gp_face_finder_free(finder);
    return s;
}
