/* region.c — how much of the layer the selection covers, and where. */
#include "internal.h"

/* Bounding box of the pixels of cover (w x h) above zero; width 0 if none. */
static GeglRectangle nonzero_bounds(const float *cover, int w, int h)
{
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (cover[(size_t)y * w + x] > 0.0f) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
    if (x1 < 0)
        return (GeglRectangle){ 0, 0, 0, 0 };
    return (GeglRectangle){ x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
}

gp_status gpb_selection(const gpb_input *in, GeglRectangle *bounds, gp_image *cover,
                        gp_error *err)
{
    *bounds = (GeglRectangle){ 0, 0, 0, 0 };
    if (!in->selection)
        return GP_OK;
    const GeglRectangle *layer = gegl_buffer_get_extent(in->layer);
    gp_image full;
    if (gp_image_alloc(&full, layer->width, layer->height, 1) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory reading the selection");
    /* The selection lives in image coordinates; outside it, nothing is selected. */
    const GeglRectangle in_image = { layer->x + in->offset_x, layer->y + in->offset_y,
                                     layer->width, layer->height };
    gegl_buffer_get(in->selection, &in_image, 1.0, babl_format("Y float"), full.data,
                    GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    GeglRectangle box = nonzero_bounds(full.data, full.width, full.height);
    if (box.width == 0) {
        gp_image_release(&full);
        return GP_OK;
    }
    box.x += layer->x;
    box.y += layer->y;
    *bounds = box;
    *cover = full;
    return GP_OK;
}
