/* pixels.c — a layer's region in and out of float arrays, through babl.
 *
 * Whatever the layer's format (8-bit or high bit depth, gray or RGB,
 * with or without alpha), babl converts it to non-linear R'G'B' floats
 * and a separate alpha: the engine's images are sRGB-encoded [0, 1]. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const rgba_format = "R'G'B'A float";

/* Rows converted at a time: the RGBA floats GEGL exchanges pass through
 * a strip this high rather than a copy of the whole region. */
enum { STRIP_ROWS = 64 };

gp_status gpb_read(GeglBuffer *layer, const GeglRectangle *area, gpb_pixels *px,
                   gp_error *err)
{
    const int w = area->width, h = area->height;
    memset(px, 0, sizeof *px);
    float *strip = malloc((size_t)w * STRIP_ROWS * 4 * sizeof(float));
    if (!strip || gp_image_alloc(&px->rgb, w, h, 3) != GP_OK ||
        gp_image_alloc(&px->alpha, w, h, 1) != GP_OK) {
        free(strip);
        gpb_pixels_release(px);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory reading a %dx%d region", w, h);
    }
    for (int y0 = 0; y0 < h; y0 += STRIP_ROWS) {
        const int rows = h - y0 < STRIP_ROWS ? h - y0 : STRIP_ROWS;
        gegl_buffer_get(layer, GEGL_RECTANGLE(area->x, area->y + y0, w, rows), 1.0,
                        babl_format(rgba_format), strip, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
        const size_t first = (size_t)y0 * w, n = (size_t)rows * w;
        for (size_t i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++)
                px->rgb.data[(first + i) * 3 + c] = strip[i * 4 + c];
            px->alpha.data[first + i] = strip[i * 4 + 3];
        }
    }
    free(strip);
    px->area = *area;
    return GP_OK;
}

void gpb_pixels_release(gpb_pixels *px)
{
    gp_image_release(&px->rgb);
    gp_image_release(&px->alpha);
}

GeglBuffer *gpb_to_buffer(const gp_image *rgb, const gp_image *alpha,
                          const GeglRectangle *area)
{
    const int w = area->width;
    float *strip = malloc((size_t)w * STRIP_ROWS * 4 * sizeof(float));
    if (!strip)
        return NULL;
    GeglBuffer *b = gegl_buffer_new(area, babl_format(rgba_format));
    for (int y0 = 0; y0 < area->height; y0 += STRIP_ROWS) {
        const int rows = area->height - y0 < STRIP_ROWS ? area->height - y0 : STRIP_ROWS;
        const size_t first = (size_t)y0 * w, n = (size_t)rows * w;
        for (size_t i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++)
                strip[i * 4 + c] = rgb->data[(first + i) * 3 + c];
            strip[i * 4 + 3] = alpha->data[first + i];
        }
        gegl_buffer_set(b, GEGL_RECTANGLE(area->x, area->y + y0, w, rows), 0,
                        babl_format(rgba_format), strip, GEGL_AUTO_ROWSTRIDE);
    }
    free(strip);
    return b;
}
