/* depthwise.c — depthwise 3x3 convolution: each channel filtered by its
 * own 3x3 kernel (the first half of a MobileNet separable convolution;
 * Howard et al. 2017, "MobileNets"). */
#include "faces/layers.h"

#include <string.h>

void gp_fa_depthwise3x3(const float *x, int c, int h, int w, const float *kernel, int stride,
                        int pad, int oh, int ow, float *y)
{
    for (int ch = 0; ch < c; ch++) {
        const float *plane = x + (size_t)ch * h * w, *k = kernel + (size_t)ch * 9;
        float *out = y + (size_t)ch * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            float *row = out + (size_t)oy * ow;
            memset(row, 0, (size_t)ow * sizeof(float));
            for (int ky = 0; ky < 3; ky++) {
                int iy = oy * stride - pad + ky;
                if (iy < 0 || iy >= h)
                    continue;
                const float *src = plane + (size_t)iy * w;
                for (int kx = 0; kx < 3; kx++) {
                    const float kv = k[ky * 3 + kx];
                    /* ox valid when 0 <= ox*stride - pad + kx < w */
                    int lo = pad - kx > 0 ? (pad - kx + stride - 1) / stride : 0;
                    int hi = (w + pad - kx + stride - 1) / stride;
                    if (hi > ow)
                        hi = ow;
                    const float *s = src - pad + kx;
                    if (stride == 1)
                        for (int ox = lo; ox < hi; ox++)
                            row[ox] += kv * s[ox];
                    else
                        for (int ox = lo; ox < hi; ox++)
                            row[ox] += kv * s[ox * stride];
                }
            }
        }
    }
}
