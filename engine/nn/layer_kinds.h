/* layer_kinds.h — constructors of every layer kind, one file each.
 *
 * Every constructor returns NULL on a bad argument or out of memory.
 * Parameters are allocated zeroed; the model loader fills them.
 * Shapes in comments are [n, c, h, w] per the convention in layer.h.
 */
#ifndef GP_LAYER_KINDS_H
#define GP_LAYER_KINDS_H

#include "nn/layer.h"

/* conv2d.c: weight [cout, cin, k, k], bias [cout] when bias is true.
 * [n,cin,h,w] -> [n,cout,(h+2p-k)/s+1,(w+2p-k)/s+1] */
gp_layer *gp_conv2d_new(int cin, int cout, int k, int stride, int pad, bool bias);

/* conv_transpose2d.c: weight [cin, cout, k, k] (PyTorch layout), bias
 * [cout] when bias.  Output size (h-1)*s + k - pad_begin - pad_end:
 * PyTorch's padding p is pad_begin = pad_end = p; Keras "same" with
 * k=3, s=2 is pad_begin = 0, pad_end = 1. */
gp_layer *gp_conv_transpose2d_new(int cin, int cout, int k, int stride,
                                  int pad_begin, int pad_end, bool bias);

/* conv2d.c: the kernel size, stride and padding of a conv2d layer;
 * false for any other kind. */
bool gp_conv2d_geometry(const gp_layer *l, int *k, int *stride, int *pad);

/* conv2d.c: how a conv2d runs.  IM2COL is the plain path; once prepared
 * for an input shape (gp_layer_prepare, done by gp_trace_new) a layer
 * takes a faster one where it applies and pays: PIXEL for a 1x1 input
 * (one GEMM), WINO2 / WINO4 for 3x3 stride-1 layers (Winograd F(2x2,3x3)
 * and F(4x4,3x3), winograd.h).  See conv2d.c for when each is chosen. */
typedef enum gp_conv_path {
    GP_CONV_IM2COL, GP_CONV_PIXEL, GP_CONV_WINO2, GP_CONV_WINO4, GP_CONV_AUTO,
} gp_conv_path;
/* The path a call of l on input in takes now (IM2COL for other kinds). */
gp_conv_path gp_conv2d_path(const gp_layer *l, gp_shape in);
/* For tests and benchmarks: take path p wherever it applies (IM2COL
 * elsewhere) instead of choosing; GP_CONV_AUTO chooses again.  Takes
 * effect for shapes prepared after the call. */
void gp_conv2d_force_path(gp_layer *l, gp_conv_path p);

/* upconv2d.c: nearest x2 up-sampling then a 3x3 pad-1 conv, computed as
 * four 2x2 convs (2.25x fewer FLOPs), or once prepared and wide enough
 * by Winograd on the up-sampled input.  weight [cout, cin, 3, 3], bias.
 * [n,cin,h,w] -> [n,cout,2h,2w] */
gp_layer *gp_upconv2d_new(int cin, int cout, bool bias);
/* Its path, as gp_conv2d_path: IM2COL stands for the four 2x2 kernels,
 * WINO2 / WINO4 for Winograd.  The force function as gp_conv2d's. */
gp_conv_path gp_upconv2d_path(const gp_layer *l, gp_shape in);
void gp_upconv2d_force_path(gp_layer *l, gp_conv_path p);

/* dense.c: y = W x + b over each flattened sample; weight [out, in],
 * bias [out]; the output is viewed as [n, oc, oh, ow], oc*oh*ow = out. */
gp_layer *gp_dense_new(int in, int oc, int oh, int ow, bool bias);

/* upsample.c: nearest-neighbour x2. [n,c,h,w] -> [n,c,2h,2w] */
gp_layer *gp_upsample2_new(void);

/* pool.c: k x k windows, stride s, no padding, floor mode (Keras and
 * Caffe-"valid"): [n,c,h,w] -> [n,c,(h-k)/s+1,(w-k)/s+1] */
gp_layer *gp_avgpool_new(int k, int stride);
gp_layer *gp_maxpool_new(int k, int stride);

/* pixelnorm.c: x / sqrt(mean_c(x^2) + eps) at every pixel (PGGAN). */
gp_layer *gp_pixelnorm_new(float eps);

/* bias.c: y = x + b[c]; bias [c]. */
gp_layer *gp_bias_new(int c);

/* activation.c: element-wise. */
typedef enum gp_act {
    GP_ACT_LINEAR, GP_ACT_RELU, GP_ACT_LRELU, GP_ACT_ELU, GP_ACT_TANH,
} gp_act;
gp_layer *gp_activation_new(gp_act kind, float slope /* lrelu slope, elu alpha */);

/* batchnorm.c: inference form, y = (x - mean) / sqrt(var + eps) * gamma
 * + beta, per channel; params gamma, beta, mean, var, each [c]. */
gp_layer *gp_batchnorm_new(int c, float eps);

/* chanscale.c: y = x * s[c] (the alpha of mGANprior); scale [c]. */
gp_layer *gp_chanscale_new(int c);

/* fire.c: SqueezeNet fire module, squeeze 1x1 + ReLU, then concat of
 * expand 1x1 + ReLU and expand 3x3 (pad 1) + ReLU.
 * [n,cin,h,w] -> [n,e1+e3,h,w]; params squeeze.weight/bias,
 * expand1x1.weight/bias, expand3x3.weight/bias via gp_fire_part(). */
gp_layer *gp_fire_new(int cin, int squeeze, int e1, int e3);
/* The three inner convolutions of a fire layer: 0 squeeze, 1 expand1x1,
 * 2 expand3x3. */
gp_layer *gp_fire_part(gp_layer *fire, int part);

/* bias.c: helpers for layers with a per-channel bias on [n, c, hw]. */
void gp_add_channel_bias(int n, int c, int hw, const float *b, float *y);
void gp_sum_channel_grad(int n, int c, int hw, const float *dy, float *db);

#endif
