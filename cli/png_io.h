/* png_io.h — PNG files to and from the engine's float images.
 *
 * Reading accepts every PNG colour type and bit depth (gray 1/2/4/8/16,
 * palette, RGB 8/16, with or without alpha or tRNS, interlaced or not)
 * and gives float values in [0, 1] (16-bit samples keep their
 * precision).  Alpha is dropped, not composited: the engine works on
 * opaque images.  No gamma or colour-profile conversion is done; the
 * stored values are taken as they are, as the model's training data was.
 *
 * Writing produces an 8-bit RGB PNG through a temporary file in the same
 * folder that is renamed over the destination only once complete, so a
 * failed write never leaves a partial file or clobbers an existing one.
 */
#ifndef CLI_PNG_IO_H
#define CLI_PNG_IO_H

#include "ganprior.h"

/* Rec. 601 luma, the gray the engine's colorization compares. */
static inline float cli_luma(float r, float g, float b)
{
    return 0.299f * r + 0.587f * g + 0.114f * b;
}

/* Reads path into img (allocated here) with `channels` channels: 3
 * (gray is repeated) or 1 (colour becomes cli_luma).  On failure img is
 * left empty and err names the file and the problem. */
gp_status cli_png_read(const char *path, int channels, gp_image *img, gp_error *err);

/* Writes img (1 or 3 channels) as 8-bit RGB, values rounded and clamped. */
gp_status cli_png_write(const char *path, const gp_image *img, gp_error *err);

/* Whether a file could be created at path: its folder exists and is
 * writable, and path is not a folder.  Lets a command refuse a bad -o
 * before minutes of work rather than after. */
gp_status cli_png_check_writable(const char *path, gp_error *err);

/* dst (allocated here) = src with `channels` channels, as cli_png_read
 * converts. */
gp_status cli_image_convert(const gp_image *src, int channels, gp_image *dst, gp_error *err);

#endif
