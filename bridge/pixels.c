/* pixels.c — a layer's region in and out of float arrays, through babl.
 *
 * Whatever the layer's format (8-bit or high bit depth, gray or RGB,
 * with or without alpha), babl converts it to non-linear R'G'B' floats
 * and a separate alpha: the engine's images are sRGB-encoded [0, 1]. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const rgba_format = "R'G'B'A float";

gp_status gpb_read(GeglBuffer *layer, const GeglRectangle *area, gpb_pixels *px,
                   gp_error *err)
{
    const int w = area->width, h = area->height;
    const size_t n = (size_t)w * h;
    memset(px, 0, sizeof *px);
    float *rgba = malloc(n * 4 * sizeof(float));
    if (!rgba || gp_image_alloc(&px->rgb, w, h, 3) != GP_OK ||
        gp_image_alloc(&px->alpha, w, h, 1) != GP_OK) {
        free(rgba);
        gpb_pixels_release(px);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory reading a %dx%d region", w, h);
    }
    gegl_buffer_get(layer, area, 1.0, babl_format(rgba_format), rgba, GEGL_AUTO_ROWSTRIDE,
                    GEGL_ABYSS_NONE);
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < 3; c++)
            px->rgb.data[i * 3 + c] = rgba[i * 4 + c];
        px->alpha.data[i] = rgba[i * 4 + 3];
    }
    free(rgba);
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
    const size_t n = (size_t)area->width * area->height;
    float *rgba = malloc(n * 4 * sizeof(float));
    if (!rgba)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < 3; c++)
            rgba[i * 4 + c] = rgb->data[i * 3 + c];
        rgba[i * 4 + 3] = alpha->data[i];
    }
    GeglBuffer *b = gegl_buffer_new(area, babl_format(rgba_format));
    gegl_buffer_set(b, area, 0, babl_format(rgba_format), rgba, GEGL_AUTO_ROWSTRIDE);
    free(rgba);
    return b;
}
