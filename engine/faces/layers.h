/* layers.h — forward-only layers of the face networks (engine-internal).
 *
 * One sample, NCHW without the N: x [c, h, w], w fastest.  Padding follows
 * TensorFlow: 'same' gives out = ceil(in / stride) with the padding split
 * total = max((out - 1) * stride + k - in, 0), floor(total / 2) before and
 * the rest after (so a stride-2 layer on an even size pads only after);
 * 'valid' gives out = ceil((in - k + 1) / stride) and no padding.
 */
#ifndef GP_FACES_LAYERS_H
#define GP_FACES_LAYERS_H

#include <stdbool.h>
#include <stddef.h>

/* Output size and the padding before, for kernel k and stride s. */
int gp_fa_same_out(int in, int k, int stride, int *pad_before);
int gp_fa_valid_out(int in, int k, int stride);

/* Regular convolution (im2col + one SGEMM).  weight [cout, cin, k, k],
 * bias [cout]; y [cout, oh, ow] with oh, ow and pad as computed above.
 * col: scratch of cin*k*k*oh*ow floats (unused when k == 1 and stride 1). */
void gp_fa_conv(const float *x, int cin, int h, int w, const float *weight, const float *bias,
                int cout, int k, int stride, int pad, int oh, int ow, float *col, float *y);

/* Depthwise 3x3 convolution, no bias: y[c] = x[c] (*) kernel[c].
 * kernel [c, 3, 3]; y [c, oh, ow]; pad before (zeros around). */
void gp_fa_depthwise3x3(const float *x, int c, int h, int w, const float *kernel, int stride,
                        int pad, int oh, int ow, float *y);

/* Pointwise (1x1) convolution as one SGEMM: y [cout, hw] = weight [cout, cin]
 * x [cin, hw] + bias. */
void gp_fa_pointwise(const float *x, int cin, int hw, const float *weight, const float *bias,
                     int cout, float *y);

/* 2x2 max pool, 'same' padding (padded cells never win), stride 1 or 2. */
void gp_fa_maxpool2(const float *x, int c, int h, int w, int stride, int oh, int ow, float *y);

/* k x k average pool, 'valid', stride s: y [c, oh, ow]. */
void gp_fa_avgpool(const float *x, int c, int h, int w, int k, int stride, int oh, int ow,
                   float *y);

/* In place: max(x, 0.1 x) (face-api's leaky ReLU), and max(x, 0). */
void gp_fa_leaky(float *x, size_t n);
void gp_fa_relu(float *x, size_t n);

#endif
