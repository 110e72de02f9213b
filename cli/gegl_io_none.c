/* gegl_io_none.c — JPEG, TIFF and WebP in a build without GEGL
 * (-Dbridge=disabled): refused with a reason, PNG only (picture.h). */
#include "picture.h"

gp_status cli_gegl_read(const char *path, gp_image *rgb, gp_error *err)
{
    (void)rgb;
    return gp_fail(err, GP_ERR_FORMAT, "%s: not a PNG file (this ganprior was built without GEGL, "
                                       "which reads JPEG, TIFF and WebP)", path);
}

gp_status cli_gegl_write(const char *path, const char *save_op, const gp_image *img, gp_error *err)
{
    (void)save_op, (void)img;
    return gp_fail(err, GP_ERR_UNSUPPORTED, "cannot write %s: only PNG without GEGL", path);
}

const char *cli_gegl_saver(const char *path)
{
    (void)path;
    return NULL;
}
