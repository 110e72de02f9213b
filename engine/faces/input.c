/* input.c — pad to a square, resize, normalise (see input.h). */
#include "faces/input.h"

#include <math.h>

void gp_fa_input(const gp_image *img, int rx, int ry, int rw, int rh, bool centre, int size,
                 const float mean[3], float *x, int *before)
{
    const int side = rw > rh ? rw : rh, diff = side - (rw > rh ? rh : rw);
    const int after = centre ? (int)floor(diff * 0.5 + 0.5) : diff;
    const int pre = diff - after;
    /* Picture pixel (px - ox, py - oy) of the rectangle sits at padded (px, py). */
    const int ox = rw < rh ? pre : 0, oy = rh < rw ? pre : 0;
    *before = pre;
    const double ratio = (double)side / (double)size;
    const int ch = img->channels;
    const size_t plane = (size_t)size * size;
    for (int r = 0; r < size; r++) {
        double fy = ratio * r;
        int y0 = (int)floor(fy), y1 = (int)ceil(fy);
        if (y1 > side - 1)
            y1 = side - 1;
        float wy = (float)(fy - y0);
        for (int c = 0; c < size; c++) {
            double fx = ratio * c;
            int x0 = (int)floor(fx), x1 = (int)ceil(fx);
            if (x1 > side - 1)
                x1 = side - 1;
            float wx = (float)(fx - x0);
            const int ys[2] = { y0 - oy, y1 - oy }, xs[2] = { x0 - ox, x1 - ox };
            for (int k = 0; k < 3; k++) {
                float v[2][2];
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++) {
                        int yy = ys[i], xx = xs[j];
                        v[i][j] = yy < 0 || yy >= rh || xx < 0 || xx >= rw ? 0.0f
                                  : 255.0f * img->data[((size_t)(ry + yy) * img->width + rx + xx) * ch
                                                       + (ch == 3 ? k : 0)];
                    }
                float top = v[0][0] + (v[0][1] - v[0][0]) * wx;
                float bottom = v[1][0] + (v[1][1] - v[1][0]) * wx;
                float val = top + (bottom - top) * wy;
                x[k * plane + (size_t)r * size + c] = (val - mean[k]) / 255.0f;
            }
        }
    }
}
