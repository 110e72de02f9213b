/* picture.h — the CLI's picture files, in the formats photos come in.
 *
 * Reading takes PNG (cli/png_io.c: every colour type and bit depth,
 * truncation detected) and, through GEGL, JPEG, TIFF and WebP (old
 * photos arrive as JPEG and TIFF scans); the format is told by the
 * file's first bytes, not its name.  Writing follows the output name's
 * extension: through GEGL .jpg/.jpeg, .tif/.tiff and .webp, anything
 * else 8-bit PNG (png_io.c); always into a temporary file renamed over the
 * destination once complete.  A build without GEGL (-Dbridge=disabled)
 * reads and writes PNG only, and says so.
 */
#ifndef CLI_PICTURE_H
#define CLI_PICTURE_H

#include "ganprior.h"

/* As cli_png_read: img (allocated here) with 3 or 1 (luma) channels. */
gp_status cli_picture_read(const char *path, int channels, gp_image *img, gp_error *err);
/* img (1 or 3 channels) in the format of path's extension. */
gp_status cli_picture_write(const char *path, const gp_image *img, gp_error *err);
/* Whether path can be written: a format this build writes, a writable
 * folder, not a folder itself.  Lets a command refuse a bad -o early. */
gp_status cli_picture_check_writable(const char *path, gp_error *err);

/* The GEGL side (gegl_io.c; gegl_io_none.c refuses without GEGL). */
gp_status cli_gegl_read(const char *path, gp_image *rgb, gp_error *err);
gp_status cli_gegl_write(const char *path, const char *save_op, const gp_image *img, gp_error *err);
/* The GEGL operation that saves a name's extension, or NULL. */
const char *cli_gegl_saver(const char *path);

#endif
