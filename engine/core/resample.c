/* resample.c — separable area / bilinear resampling (gp_image_resample in
 * ganprior.h): the face finder's way to its input, and the hosts' way to
 * the model's size when they have no GEGL. */
#include "ganprior.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The weights of one axis: output index o reads `count[o]` input
 * samples from `first[o]` on, weighted by weights[o * taps ...]. */
typedef struct axis {
    int *first, *count;
    float *weights;
    int taps;
} axis;

static void axis_free(axis *a)
{
    free(a->first);
    free(a->count);
    free(a->weights);
}

/* Length of [a0, a1) ∩ [b0, b1). */
static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0.0;
}

static void axis_fill(axis *a, int o, int in, double scale, double width)
{
    /* Coordinates here are in input pixels, pixel i spanning [i, i+1). */
    const double centre = (o + 0.5) * scale, lo = centre - 0.5 * width, hi = centre + 0.5 * width;
    int first = (int)floor(lo), last = (int)ceil(hi) - 1;
    if (first < 0)
        first = 0;
    if (last > in - 1)
        last = in - 1;
    float *w = a->weights + (size_t)o * a->taps;
    double sum = 0.0;
    for (int i = first; i <= last; i++)
        sum += overlap(i, i + 1.0, lo, hi);
    for (int i = first; i <= last; i++)
        w[i - first] = (float)(overlap(i, i + 1.0, lo, hi) / sum);
    a->first[o] = first;
    a->count[o] = last - first + 1;
}

static bool axis_make(axis *a, int in, int out)
{
    const double scale = (double)in / out, width = scale > 1.0 ? scale : 1.0;
    a->taps = (int)ceil(width) + 2;
    a->first = malloc(sizeof *a->first * (size_t)out);
    a->count = malloc(sizeof *a->count * (size_t)out);
    a->weights = malloc(sizeof *a->weights * (size_t)out * a->taps);
    if (!a->first || !a->count || !a->weights)
        return false;
    for (int o = 0; o < out; o++)
        axis_fill(a, o, in, scale, width);
    return true;
}

/* dst[h, out_w, ch] = src's h rows (stride `stride` floats) filtered
 * along rows by ax. */
static void pass_rows(const axis *ax, const float *src, size_t stride, int h, int out_w, int ch,
                      float *dst)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < out_w; x++) {
            const float *w = ax->weights + (size_t)x * ax->taps;
            const float *s = src + (size_t)y * stride + (size_t)ax->first[x] * ch;
            float *d = dst + ((size_t)y * out_w + x) * ch;
            for (int c = 0; c < ch; c++) {
                float acc = 0.0f;
                for (int k = 0; k < ax->count[x]; k++)
                    acc += w[k] * s[(size_t)k * ch + c];
                d[c] = acc;
            }
        }
}

/* dst[rows, row] = output rows y0 .. y0 + rows - 1 of src filtered along
 * columns by ay, src holding the input rows from in0 on. */
static void pass_columns(const axis *ay, const float *src, int in0, int y0, int rows, size_t row,
                         float *dst)
{
    for (int y = y0; y < y0 + rows; y++) {
        float *d = dst + (size_t)(y - y0) * row;
        memset(d, 0, row * sizeof *d);
        const float *w = ay->weights + (size_t)y * ay->taps;
        for (int k = 0; k < ay->count[y]; k++) {
            const float *s = src + (size_t)(ay->first[y] + k - in0) * row;
            for (size_t i = 0; i < row; i++)
                d[i] += w[k] * s[i];
        }
    }
}

gp_status gp_image_resample_part(const gp_image *in, const int region[4], int width, int height,
                                 int y0, int rows, gp_image *out, gp_error *err)
{
    const int whole[4] = { 0, 0, in->width, in->height };
    const int *r = region ? region : whole;
    if (r[0] < 0 || r[1] < 0 || r[2] < 1 || r[3] < 1 || r[2] > in->width - r[0] ||
        r[3] > in->height - r[1])
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "the region %dx%d at (%d, %d) is not inside the %dx%d picture", r[2], r[3],
                       r[0], r[1], in->width, in->height);
    if (width < 1 || height < 1 || y0 < 0 || rows < 1 || rows > height - y0)
        return gp_fail(err, GP_ERR_ARGUMENT, "rows %d..%d of a %dx%d resample", y0, y0 + rows - 1,
                       width, height);
    const int ch = in->channels;
    if (gp_image_alloc(out, width, rows, ch) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "cannot allocate a %dx%d image", width, rows);
    axis ax = { 0 }, ay = { 0 };
    bool ok = axis_make(&ax, r[2], width) && axis_make(&ay, r[3], height);
    /* The input rows these output rows read: the axes' spans only move on. */
    const int in0 = ok ? ay.first[y0] : 0;
    const int in1 = ok ? ay.first[y0 + rows - 1] + ay.count[y0 + rows - 1] : 0;
    float *tmp = ok ? malloc(sizeof *tmp * (size_t)(in1 - in0) * width * ch) : NULL;
    if (tmp) {
        const size_t stride = (size_t)in->width * ch;
        pass_rows(&ax, in->data + (size_t)(r[1] + in0) * stride + (size_t)r[0] * ch, stride,
                  in1 - in0, width, ch, tmp);
        pass_columns(&ay, tmp, in0, y0, rows, (size_t)width * ch, out->data);
    }
    free(tmp);
    axis_free(&ax);
    axis_free(&ay);
    if (tmp)
        return GP_OK;
    gp_image_release(out);
    return gp_fail(err, GP_ERR_MEMORY, "out of memory resizing to %dx%d", width, height);
}

gp_status gp_image_resample(const gp_image *in, int width, int height, gp_image *out,
                            gp_error *err)
{
    return gp_image_resample_part(in, NULL, width, height, 0, height, out, err);
}
