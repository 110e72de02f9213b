/* picture.c — which codec reads or writes a picture file (picture.h). */
#include "picture.h"
#include "cli.h"
#include "png_io.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Whether path's extension names a format only GEGL writes. */
static bool needs_gegl(const char *path)
{
    static const char *const exts[] = { ".jpg", ".jpeg", ".tif", ".tiff", ".webp" };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (!strcasecmp(dot, exts[i]))
            return true;
    return false;
}

/* Whether the file starts with PNG's signature (an unreadable file goes
 * to png_io too, which names the problem). */
static bool is_png(const char *path)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (!f)
        return true;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n < sizeof head || !memcmp(head, sig, sizeof sig);
}

gp_status cli_picture_read(const char *path, int channels, gp_image *img, gp_error *err)
{
    if (is_png(path))
        return cli_png_read(path, channels, img, err);
    gp_image rgb = { 0 };
    gp_status s = cli_gegl_read(path, &rgb, err);
    if (s != GP_OK || channels == 3) {
        *img = rgb;
        return s;
    }
    s = cli_image_convert(&rgb, channels, img, err);
    gp_image_release(&rgb);
    return s;
}

gp_status cli_picture_write(const char *path, const gp_image *img, gp_error *err)
{
    const char *saver = cli_gegl_saver(path);
    return saver ? cli_gegl_write(path, saver, img, err) : cli_png_write(path, img, err);
}

gp_status cli_picture_check_writable(const char *path, gp_error *err)
{
    gp_status s = cli_png_check_writable(path, err);
    if (s == GP_OK && !cli_gegl_saver(path) && needs_gegl(path))
        s = gp_fail(err, GP_ERR_UNSUPPORTED, "cannot write %s: JPEG, TIFF and WebP need a ganprior "
                                             "built with GEGL; name it .png", path);
    return s;
}
