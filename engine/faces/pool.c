/* pool.c — the face networks' pooling: 2x2 max with TensorFlow's 'same'
 * padding (the padded cells take no part) and k x k 'valid' average. */
#include "faces/layers.h"

void gp_fa_maxpool2(const float *x, int c, int h, int w, int stride, int oh, int ow, float *y)
{
    /* 'same' with k = 2: the padding before is 0 for stride 1 and 2. */
    for (int ch = 0; ch < c; ch++) {
        const float *plane = x + (size_t)ch * h * w;
        float *out = y + (size_t)ch * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy * stride, y1 = y0 + 1 < h ? y0 + 1 : y0;
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * stride, x1 = x0 + 1 < w ? x0 + 1 : x0;
                float m = plane[(size_t)y0 * w + x0], v;
                if ((v = plane[(size_t)y0 * w + x1]) > m)
                    m = v;
                if ((v = plane[(size_t)y1 * w + x0]) > m)
                    m = v;
                if ((v = plane[(size_t)y1 * w + x1]) > m)
                    m = v;
                out[(size_t)oy * ow + ox] = m;
            }
        }
    }
}

void gp_fa_avgpool(const float *x, int c, int h, int w, int k, int stride, int oh, int ow,
                   float *y)
{
    const float inv = 1.0f / (float)(k * k);
    for (int ch = 0; ch < c; ch++) {
        const float *plane = x + (size_t)ch * h * w;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                float s = 0.0f;
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        s += plane[(size_t)(oy * stride + ky) * w + ox * stride + kx];
                y[((size_t)ch * oh + oy) * ow + ox] = s * inv;
            }
    }
}
