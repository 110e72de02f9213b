/* image.c — the public gp_image record. */
#include "core/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

gp_status gp_image_alloc(gp_image *img, int width, int height, int channels)
{
    memset(img, 0, sizeof *img);
    if (width <= 0 || height <= 0 || width > 1 << 16 || height > 1 << 16 ||
        (channels != 1 && channels != 3))
        return GP_ERR_ARGUMENT;
    img->data = calloc((size_t)width * height * channels, sizeof(float));
    if (!img->data)
        return GP_ERR_MEMORY;
    img->width = width;
    img->height = height;
    img->channels = channels;
    return GP_OK;
}

void gp_image_release(gp_image *img)
{
    if (!img)
        return;
    free(img->data);
    memset(img, 0, sizeof *img);
}
