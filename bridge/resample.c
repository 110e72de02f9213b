/* resample.c — changing an image's size with GEGL.
 *
 * LoHalo is GEGL's (and GIMP's) high-quality sampler: Jacobian-adaptive
 * EWA when reducing, so the model sees an antialiased region, and a
 * halo-free Mitchell-Netravali blend when enlarging.  Edges clamp
 * rather than fade into the transparent abyss. */
#include "internal.h"

static const Babl *format_for(int channels)
{
    return babl_format(channels == 3 ? "R'G'B' float" : "Y' float");
}

gp_status gpb_resample_lohalo_part(const gp_image *src, int width, int height,
                                   const GeglRectangle *part, gp_image *dst, gp_error *err)
{
    if (gp_image_alloc(dst, part->width, part->height, src->channels) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory resampling to %dx%d", width, height);
    const Babl *format = format_for(src->channels);
    GeglBuffer *in = gegl_buffer_linear_new_from_data(
        src->data, format, GEGL_RECTANGLE(0, 0, src->width, src->height), GEGL_AUTO_ROWSTRIDE,
        NULL, NULL);
    GeglNode *graph = gegl_node_new();
    GeglNode *source = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer",
                                           in, NULL);
    GeglNode *scale = gegl_node_new_child(graph, "operation", "gegl:scale-size",
                                          "x", (double)width, "y", (double)height,
                                          "sampler", GEGL_SAMPLER_LOHALO,
                                          "abyss-policy", GEGL_ABYSS_CLAMP, NULL);
    gegl_node_link(source, scale);
    gegl_node_blit(scale, 1.0, part, format, dst->data, GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
    g_object_unref(graph);
    g_object_unref(in);
    return GP_OK;
}

gp_status gpb_resample_lohalo(const gp_image *src, int width, int height, gp_image *dst,
                              gp_error *err)
{
    return gpb_resample_lohalo_part(src, width, height, GEGL_RECTANGLE(0, 0, width, height), dst,
                                    err);
}
