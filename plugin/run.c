/* run.c — one filter call in GIMP, for both front ends: the source read
 * through the host's calls (host.h), the bridge run under progress, and
 * the result placed in one undo step.  Nothing here differs between GIMP
 * 2.10 and 3.0, and nothing in the image changes before the engine has
 * finished, so a failure or a cancel leaves it as it was. */
#include "host.h"

/* A new layer above the source in one undo group, or a new image. */
static void place_result(const gpp_filter *f, gpp_host *h, GeglBuffer *result)
{
    const GeglRectangle *r = gegl_buffer_get_extent(result);
    const bool gray = gpp_host_image_is_gray(h);
    const bool own_image = gpp_result_in_new_image(f, gray);
    int x = 0, y = 0;
    if (own_image) {
        gpp_host_new_image(h, r->width, r->height, gpp_result_is_gray(f, gray));
    } else {
        gpp_host_undo_group(h, true);
        gpp_host_source_offsets(h, &x, &y);
        x += r->x;
        y += r->y;
    }
    const bool gray_layer = own_image ? gpp_result_is_gray(f, gray) : gray;
    GeglBuffer *dst = gpp_host_new_layer(h, f->result_name, x, y, r->width, r->height,
                                         gray_layer);
    gegl_buffer_copy(result, r, GEGL_ABYSS_NONE, dst, GEGL_RECTANGLE(0, 0, r->width, r->height));
    gegl_buffer_flush(dst);
    g_object_unref(dst);
    gpp_host_layer_done(h, r->width, r->height);
    if (own_image)
        gpp_host_new_image_done(h);
    else
        gpp_host_undo_group(h, false);
}

gp_status gpp_filter_run(const gpp_filter *f, const gpp_options *o, gpp_host *h, bool with_ui,
                         gp_error *err)
{
    if (gpp_host_image_is_indexed(h))
        return gp_fail(err, GP_ERR_UNSUPPORTED,
                       "Indexed images are not supported: convert the image with "
                       "Image > Mode > RGB first.");
    if (!gpp_host_source_is_layer(h))
        return gp_fail(err, GP_ERR_ARGUMENT, "Select a layer (not a channel or a mask) first.");
    gegl_init(NULL, NULL); /* loads GEGL's operations, which the bridge uses */
    gpb_input in = { .layer = gpp_host_source_buffer(h),
                     .selection = gpp_host_selection_buffer(h) };
    gpp_host_source_offsets(h, &in.offset_x, &in.offset_y);
    gpb_output out;
    gp_status s = gpp_run_with_progress(f, o, &in, with_ui, &out, err);
    g_object_unref(in.layer);
    if (in.selection)
        g_object_unref(in.selection);
    if (s != GP_OK)
        return s;
    place_result(f, h, out.buffer);
    g_object_unref(out.buffer);
    return GP_OK;
}
