/* conv.c — regular and pointwise convolutions of the face networks, as
 * GEMMs (TensorFlow padding; see layers.h). */
#include "faces/layers.h"
#include "nn/im2col.h"

#include <cblas.h>

int gp_fa_same_out(int in, int k, int stride, int *pad_before)
{
    int out = (in + stride - 1) / stride;
    int total = (out - 1) * stride + k - in;
    *pad_before = total > 0 ? total / 2 : 0;
    return out;
}

int gp_fa_valid_out(int in, int k, int stride)
{
    return in < k ? 0 : (in - k + stride) / stride;
}

/* y [cout, hw] += bias per row. */
static void add_bias(float *y, int cout, int hw, const float *bias)
{
    for (int o = 0; o < cout; o++) {
        float *row = y + (size_t)o * hw;
        for (int i = 0; i < hw; i++)
            row[i] += bias[o];
    }
}

void gp_fa_conv(const float *x, int cin, int h, int w, const float *weight, const float *bias,
                int cout, int k, int stride, int pad, int oh, int ow, float *col, float *y)
{
    const int ohw = oh * ow, kdim = cin * k * k;
    const float *c = x;
    if (!(k == 1 && stride == 1 && pad == 0)) {
        gp_patch_geom g = { 1, cin, h, w, k, stride, pad, oh, ow };
        gp_im2col(&g, x, col);
        c = col;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, ohw, kdim, 1.0f, weight, kdim, c,
                ohw, 0.0f, y, ohw);
    add_bias(y, cout, ohw, bias);
}

void gp_fa_pointwise(const float *x, int cin, int hw, const float *weight, const float *bias,
                     int cout, float *y)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, hw, cin, 1.0f, weight, cin, x, hw,
                0.0f, y, hw);
    add_bias(y, cout, hw, bias);
}
