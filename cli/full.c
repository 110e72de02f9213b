/* full.c — `--full`: the picture as a GEGL buffer, the mask as its
 * selection, and the bridge does the rest. */
#include "full.h"
#include "gegl_start.h"

#include "bridge.h"

#include <gegl.h>

#include <stdlib.h>

static GeglBuffer *wrap(const gp_image *img, const char *format)
{
    return gegl_buffer_linear_new_from_data(img->data, babl_format(format),
                                            GEGL_RECTANGLE(0, 0, img->width, img->height),
                                            GEGL_AUTO_ROWSTRIDE, NULL, NULL);
}

gp_status cli_full_run(gp_model *m, const gp_invert_params *p, const gp_image *picture,
                       const gp_image *mask, gp_image *out, gp_invert_report *report,
                       gp_error *err)
{
    cli_gegl_start();
    gpb_input in = { .layer = wrap(picture, "R'G'B' float"),
                     .selection = mask ? wrap(mask, "Y float") : NULL };
    gpb_output merged;
    gp_status s = gpb_run(m, p, &in, &merged, err);
    if (s == GP_OK) {
        const GeglRectangle *e = gegl_buffer_get_extent(merged.buffer);
        if (gp_image_alloc(out, e->width, e->height, 3) == GP_OK)
            gegl_buffer_get(merged.buffer, e, 1.0, babl_format("R'G'B' float"), out->data,
                            GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
        else
            s = gp_fail(err, GP_ERR_MEMORY, "out of memory for a %dx%d result", e->width,
                        e->height);
        *report = merged.report;
        g_object_unref(merged.buffer);
    }
    if (in.selection)
        g_object_unref(in.selection);
    g_object_unref(in.layer);
    return s;
}
