/* full.c — `--full`: the picture as a GEGL buffer, the mask as its
 * selection, and the bridge does the rest. */
#include "full.h"
#include "gegl_start.h"

#include "bridge.h"

#include <gegl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GeglBuffer *wrap(const gp_image *img, const char *format)
{
    return gegl_buffer_linear_new_from_data(img->data, babl_format(format),
                                            GEGL_RECTANGLE(0, 0, img->width, img->height),
                                            GEGL_AUTO_ROWSTRIDE, NULL, NULL);
}

/* The merged buffer into out: picture-size (the picture where the buffer
 * does not reach), or the buffer's own size for superres. */
static gp_status take(const gpb_output *merged, bool whole, const gp_image *picture, gp_image *out,
                      gp_error *err)
{
    const GeglRectangle *e = gegl_buffer_get_extent(merged->buffer);
    const int w = whole ? e->width : picture->width, h = whole ? e->height : picture->height;
    if (gp_image_alloc(out, w, h, 3) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for a %dx%d result", w, h);
    if (!whole)
        memcpy(out->data, picture->data, (size_t)w * h * 3 * sizeof *out->data);
    gegl_buffer_get(merged->buffer, e, 1.0, babl_format("R'G'B' float"),
                    out->data + ((size_t)(whole ? 0 : e->y) * w + (whole ? 0 : e->x)) * 3,
                    (int)(w * 3 * sizeof *out->data), GEGL_ABYSS_NONE);
    return GP_OK;
}

/* The bridge's run on picture (or, with a finder, its faces run; name:
 * how messages call the picture), merged into out. */
static gp_status run_merged(gp_model *m, gp_face_finder *finder, const gp_invert_params *p,
                            const gp_image *picture, const gp_image *mask, const char *name,
                            gp_image *out, gp_invert_report *report, int *faces, gp_error *err)
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
        s = take(&merged, p->task == GP_TASK_SUPERRES, picture, out, err);
        *report = merged.report;
        if (faces)
            *faces = merged.faces;
        g_object_unref(merged.buffer);
    }
    if (in.selection)
        g_object_unref(in.selection);
    g_object_unref(in.layer);
    return s;
}

gp_status cli_full_run(gp_model *m, const gp_invert_params *p, const gp_image *picture,
                       const gp_image *mask, gp_image *out, gp_invert_report *report,
                       gp_error *err)
{
    return run_merged(m, NULL, p, picture, mask, NULL, out, report, NULL, err);
}

gp_status cli_full_faces(gp_model *m, const gp_invert_params *p, const gp_image *picture,
                         const gp_image *mask, const char *name, gp_image *out,
                         gp_invert_report *report, int *faces, gp_error *err)
{
    *faces = 0;
    gp_face_finder *finder = NULL;
    gp_status s = gp_face_finder_load(NULL, NULL, &finder, err);
    if (s == GP_OK)
        s = run_merged(m, finder, p, picture, mask, name, out, report, faces, err);
    gp_face_finder_free(finder);
    return s;
}
