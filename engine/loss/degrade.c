/* degrade.c — task degradation operators and their adjoints. */
#include "loss/degrade.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static const float luma[3] = { 0.299f, 0.587f, 0.114f };

gp_shape gp_degrade_shape(const gp_degrade *d)
{
    if (d->task == GP_TASK_SUPERRES)
        return (gp_shape){ 1, 3, d->h / d->factor, d->w / d->factor };
    return (gp_shape){ 1, 3, d->h, d->w };
}

static void box_down(const gp_degrade *d, const float *x, float *y)
{
    const int f = d->factor, oh = d->h / f, ow = d->w / f;
    const float inv = 1.0f / (float)(f * f);
    for (int c = 0; c < 3; c++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                const float *src = x + ((size_t)c * d->h + (size_t)oy * f) * d->w + (size_t)ox * f;
                float s = 0.0f;
                for (int ky = 0; ky < f; ky++)
                    for (int kx = 0; kx < f; kx++)
                        s += src[(size_t)ky * d->w + kx];
                y[((size_t)c * oh + oy) * ow + ox] = s * inv;
            }
}

static void box_down_adjoint(const gp_degrade *d, const float *dy, float *dx)
{
    const int f = d->factor, oh = d->h / f, ow = d->w / f;
    const float inv = 1.0f / (float)(f * f);
    memset(dx, 0, (size_t)3 * d->h * d->w * sizeof(float));
    for (int c = 0; c < 3; c++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                float g = dy[((size_t)c * oh + oy) * ow + ox] * inv;
                float *dst = dx + ((size_t)c * d->h + (size_t)oy * f) * d->w + (size_t)ox * f;
                for (int ky = 0; ky < f; ky++)
                    for (int kx = 0; kx < f; kx++)
                        dst[(size_t)ky * d->w + kx] = g;
            }
}

void gp_degrade_forward(const gp_degrade *d, const float *x, float *y)
{
    const size_t hw = (size_t)d->h * d->w;
    switch (d->task) {
    case GP_TASK_RECONSTRUCT:
        memcpy(y, x, 3 * hw * sizeof(float));
        break;
    case GP_TASK_INPAINT:
        for (int c = 0; c < 3; c++)
            for (size_t i = 0; i < hw; i++)
                y[c * hw + i] = x[c * hw + i] * d->keep[i];
        break;
    case GP_TASK_COLORIZE:
        for (size_t i = 0; i < hw; i++) {
            float g = luma[0] * x[i] + luma[1] * x[hw + i] + luma[2] * x[2 * hw + i];
            y[i] = y[hw + i] = y[2 * hw + i] = g;
        }
        break;
    case GP_TASK_SUPERRES:
        box_down(d, x, y);
        break;
    }
}

void gp_degrade_adjoint(const gp_degrade *d, const float *dy, float *dx)
{
    const size_t hw = (size_t)d->h * d->w;
    switch (d->task) {
    case GP_TASK_RECONSTRUCT:
        memcpy(dx, dy, 3 * hw * sizeof(float));
        break;
    case GP_TASK_INPAINT:
        for (int c = 0; c < 3; c++)
            for (size_t i = 0; i < hw; i++)
                dx[c * hw + i] = dy[c * hw + i] * d->keep[i];
        break;
    case GP_TASK_COLORIZE:
        for (size_t i = 0; i < hw; i++) {
            float g = dy[i] + dy[hw + i] + dy[2 * hw + i];
            for (int c = 0; c < 3; c++)
                dx[c * hw + i] = luma[c] * g;
        }
        break;
    case GP_TASK_SUPERRES:
        box_down_adjoint(d, dy, dx);
        break;
    }
}

/* Inpainting's hole, filled with the mean of the known pixels of each
 * channel. */
static void fill_hole(const gp_degrade *d, const float *dy, float *x)
{
    const size_t hw = (size_t)d->h * d->w;
    for (int c = 0; c < 3; c++) {
        double sum = 0.0, known = 0.0;
        for (size_t i = 0; i < hw; i++) {
            sum += dy[c * hw + i] * d->keep[i];
            known += d->keep[i];
        }
        const float mean = known > 0.0 ? (float)(sum / known) : 0.0f;
        for (size_t i = 0; i < hw; i++)
            x[c * hw + i] = d->keep[i] > 0.0f ? dy[c * hw + i] : mean;
    }
}

void gp_degrade_estimate(const gp_degrade *d, const float *dy, float *x)
{
    const size_t hw = (size_t)d->h * d->w;
    switch (d->task) {
    case GP_TASK_RECONSTRUCT:
    case GP_TASK_COLORIZE: /* the gray picture itself */
        memcpy(x, dy, 3 * hw * sizeof(float));
        break;
    case GP_TASK_INPAINT:
        fill_hole(d, dy, x);
        break;
    case GP_TASK_SUPERRES: { /* nearest-neighbour enlargement */
        const int f = d->factor, lw = d->w / f;
        const size_t lhw = hw / ((size_t)f * f);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < d->h; y++)
                for (int i = 0; i < d->w; i++)
                    x[c * hw + (size_t)y * d->w + i] = dy[c * lhw + (size_t)(y / f) * lw + i / f];
        break;
    }
    }
}

/* Interleaved in, planar through gp_degrade_forward, interleaved out:
 * the public form of the super-resolution degradation. */
gp_status gp_image_reduce(const gp_image *in, int factor, gp_image *out, gp_error *err)
{
    if (!in || !in->data || in->channels != 3 || factor < 1 || in->width % factor ||
        in->height % factor)
        return gp_fail(err, GP_ERR_ARGUMENT, "cannot reduce a %dx%d image by %d",
                       in ? in->width : 0, in ? in->height : 0, factor);
    const gp_degrade d = { .task = GP_TASK_SUPERRES, .h = in->height, .w = in->width,
                           .factor = factor };
    const size_t n = (size_t)in->width * in->height, m = n / ((size_t)factor * factor);
    float *planar = malloc((n + m) * 3 * sizeof(float));
    gp_image r;
    if (!planar || gp_image_alloc(&r, in->width / factor, in->height / factor, 3) != GP_OK) {
        free(planar);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory reducing a %dx%d image",
                       in->width, in->height);
    }
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            planar[c * n + i] = in->data[i * 3 + c];
    gp_degrade_forward(&d, planar, planar + 3 * n);
    for (size_t i = 0; i < m; i++)
        for (int c = 0; c < 3; c++)
            r.data[i * 3 + c] = planar[3 * n + c * m + i];
    free(planar);
    *out = r;
    return GP_OK;
}
