/* resize.c — a picture region resized into a canvas (see input.h):
 * separable area averaging when shrinking, bilinear when enlarging, the
 * rule of the bridge's gpb_resample_area (bridge/area.c), which the
 * engine cannot call. */
#include "faces/input.h"

#include <math.h>
#include <stdlib.h>

/* Weights of one axis: output o reads count[o] inputs from first[o]. */
typedef struct axis {
    int *first, *count, taps;
    float *w;
} axis;

static bool axis_make(axis *a, int in, int out)
{
    const double scale = (double)in / out, width = scale > 1.0 ? scale : 1.0;
    a->taps = (int)ceil(width) + 2;
    a->first = malloc(sizeof *a->first * (size_t)out);
    a->count = malloc(sizeof *a->count * (size_t)out);
    a->w = malloc(sizeof *a->w * (size_t)out * a->taps);
    if (!a->first || !a->count || !a->w)
        return false;
    for (int o = 0; o < out; o++) {
        /* input pixel i spans [i, i+1); the footprint is centred on o's centre */
        const double c = (o + 0.5) * scale, lo = c - 0.5 * width, hi = c + 0.5 * width;
        int first = (int)floor(lo), last = (int)ceil(hi) - 1;
        first = first < 0 ? 0 : first;
        last = last > in - 1 ? in - 1 : last;
        double sum = 0.0;
        float *w = a->w + (size_t)o * a->taps;
        for (int i = first; i <= last; i++) {
            double ov = fmin(i + 1.0, hi) - fmax((double)i, lo);
            w[i - first] = (float)(ov > 0 ? ov : 0.0);
            sum += w[i - first];
        }
        for (int i = first; i <= last; i++)
            w[i - first] = (float)(w[i - first] / sum);
        a->first[o] = first;
        a->count[o] = last - first + 1;
    }
    return true;
}

static void axis_free(axis *a)
{
    free(a->first);
    free(a->count);
    free(a->w);
}

bool gp_fa_resize_into(const gp_image *img, int rx, int ry, int rw, int rh, int tw, int th,
                       gp_image *canvas, int ox, int oy)
{
    const int ch = img->channels;
    axis ax = { 0 }, ay = { 0 };
    float *rows = malloc(sizeof *rows * (size_t)rh * tw * 3); /* [rh, tw, 3] */
    bool ok = rows && axis_make(&ax, rw, tw) && axis_make(&ay, rh, th);
    if (ok) {
        for (int y = 0; y < rh; y++)
            for (int x = 0; x < tw; x++) {
                const float *w = ax.w + (size_t)x * ax.taps;
                const float *s = img->data + ((size_t)(ry + y) * img->width + rx + ax.first[x]) * ch;
                float acc[3] = { 0, 0, 0 };
                for (int k = 0; k < ax.count[x]; k++)
                    for (int c = 0; c < 3; c++)
                        acc[c] += w[k] * s[(size_t)k * ch + (ch == 3 ? c : 0)];
                float *d = rows + ((size_t)y * tw + x) * 3;
                d[0] = acc[0], d[1] = acc[1], d[2] = acc[2];
            }
        for (int y = 0; y < th; y++) {
            float *d = canvas->data + ((size_t)(oy + y) * canvas->width + ox) * 3;
            for (int i = 0; i < tw * 3; i++)
                d[i] = 0.0f;
            const float *w = ay.w + (size_t)y * ay.taps;
            for (int k = 0; k < ay.count[y]; k++) {
                const float *s = rows + (size_t)(ay.first[y] + k) * tw * 3;
                for (int i = 0; i < tw * 3; i++)
                    d[i] += w[k] * s[i];
            }
        }
    }
    free(rows);
    axis_free(&ax);
    axis_free(&ay);
    return ok;
}
