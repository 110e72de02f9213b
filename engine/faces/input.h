/* input.h — a picture region as the face networks' input, prepared the
 * way face-api's NetInput.toBatchTensor prepares a tensor (engine-internal). */
#ifndef GP_FACES_INPUT_H
#define GP_FACES_INPUT_H

#include "ganprior.h"

/* x [3, size, size] from the rectangle (rx, ry, rw, rh) of img (inside
 * it; 1 or 3 channels, values in [0, 1] taken as 0..255): padded with
 * zeros to a max(rw, rh) square — after the picture (right or bottom)
 * when centre is false; split round(d/2) after, the rest before, when
 * true — then resized with TensorFlow's legacy bilinear rule (source =
 * destination * in/out, no half-pixel offset, no antialiasing), the mean
 * (0..255) subtracted and divided by 255.  *before: the padding put before
 * the picture on the padded axis, in input pixels before resizing. */
void gp_fa_input(const gp_image *img, int rx, int ry, int rw, int rh, bool centre, int size,
                 const float mean[3], float *x, int *before);

#endif
