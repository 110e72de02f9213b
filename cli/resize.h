/* resize.h — resampling an image to another size (the model's).
 *
 * The filter: each output pixel is the mean of the input over its
 * footprint, a box max(scale, 1) input pixels wide centred on it
 * (scale = input size / output size, per axis; separable), with each
 * input pixel weighted by how much of it the footprint covers.
 *
 *  - Reducing, this is area averaging: every input pixel contributes to
 *    the output in proportion to the area they share, so detail finer
 *    than the output grid is averaged out instead of aliasing.  For an
 *    integer factor it is exactly the mean of each factor x factor
 *    block: the engine's super-resolution degradation (engine/
 *    degrade.c), so a super-resolved result can be checked against its
 *    input with this function.
 *  - Enlarging, the unit footprint's coverage is bilinear
 *    interpolation.
 *
 * Pixel centres are aligned (output pixel o sits at input position
 * (o + 0.5) * scale), and at the borders the weights that fall outside
 * the image are dropped and the rest renormalised, which repeats the
 * edge pixels.  A constant image stays constant.
 */
#ifndef CLI_RESIZE_H
#define CLI_RESIZE_H

#include "ganprior.h"

/* dst (allocated here) = src resampled to width x height, same channels. */
gp_status cli_resize(const gp_image *src, int width, int height, gp_image *dst, gp_error *err);

#endif
