/* region.c — how much of the layer the selection covers, and where.
 *
 * The selection is as big as the image; a big photo's is hundreds of
 * megabytes as floats.  Its box is therefore found tile by tile, where
 * GEGL keeps it, and only the part a task needs is copied out. */
#include "internal.h"

#include <limits.h>

/* The layer's rectangle in the selection's (image) coordinates. */
static GeglRectangle layer_in_image(const gpb_input *in)
{
    const GeglRectangle *layer = gegl_buffer_get_extent(in->layer);
    return (GeglRectangle){ layer->x + in->offset_x, layer->y + in->offset_y, layer->width,
                            layer->height };
}

/* Grows box (x0, y0, x1, y1 inclusive) over the pixels of one tile of
 * the selection that are above zero. */
static void grow_over(const float *v, const GeglRectangle *roi, int box[4])
{
    for (int y = 0; y < roi->height; y++)
        for (int x = 0; x < roi->width; x++)
            if (v[(size_t)y * roi->width + x] > 0.0f) {
                const int px = roi->x + x, py = roi->y + y;
                box[0] = px < box[0] ? px : box[0];
                box[1] = py < box[1] ? py : box[1];
                box[2] = px > box[2] ? px : box[2];
                box[3] = py > box[3] ? py : box[3];
            }
}

GeglRectangle gpb_selection_bounds(const gpb_input *in)
{
    if (!in->selection)
        return (GeglRectangle){ 0, 0, 0, 0 };
    const GeglRectangle where = layer_in_image(in);
    int box[4] = { INT_MAX, INT_MAX, INT_MIN, INT_MIN };
    GeglBufferIterator *it = gegl_buffer_iterator_new(in->selection, &where, 0,
                                                      babl_format("Y float"), GEGL_ACCESS_READ,
                                                      GEGL_ABYSS_NONE, 1);
    while (gegl_buffer_iterator_next(it))
        grow_over(it->items[0].data, &it->items[0].roi, box);
    if (box[2] < box[0])
        return (GeglRectangle){ 0, 0, 0, 0 };
    return (GeglRectangle){ box[0] - in->offset_x, box[1] - in->offset_y, box[2] - box[0] + 1,
                            box[3] - box[1] + 1 };
}

gp_status gpb_selection_read(const gpb_input *in, const GeglRectangle *area, gp_image *cover,
                             gp_error *err)
{
    if (gp_image_alloc(cover, area->width, area->height, 1) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory reading the selection");
    const GeglRectangle in_image = { area->x + in->offset_x, area->y + in->offset_y,
                                     area->width, area->height };
    gegl_buffer_get(in->selection, &in_image, 1.0, babl_format("Y float"), cover->data,
                    GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    return GP_OK;
}

gp_status gpb_selection(const gpb_input *in, GeglRectangle *bounds, gp_image *cover,
                        gp_error *err)
{
    *bounds = gpb_selection_bounds(in);
    if (bounds->width == 0)
        return GP_OK;
    return gpb_selection_read(in, gegl_buffer_get_extent(in->layer), cover, err);
}
