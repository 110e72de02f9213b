/* quality.h — how the inversion tests score a result: PSNR (peak 1) and
 * Rec. 601 gray, one copy for every test executable. */
#ifndef GP_TEST_QUALITY_H
#define GP_TEST_QUALITY_H

#include "ganprior.h"

#include <math.h>
#include <stddef.h>

/* PSNR of a against b over n values, value i weighted by w[i / stride]
 * (w NULL: all 1), so a per-pixel mask can weigh interleaved channels. */
static inline double psnr(const float *a, const float *b, size_t n, size_t stride,
                          const float *w)
{
    double se = 0.0, cnt = 0.0;
    for (size_t i = 0; i < n; i++) {
        double k = w ? w[i / stride] : 1.0;
        double d = a[i] - b[i];
        se += k * d * d;
        cnt += k;
    }
    return 10.0 * log10(1.0 / (se / cnt + 1e-12));
}

/* PSNR of two RGB images of one size. */
static inline double psnr_image(const gp_image *a, const gp_image *b)
{
    return psnr(a->data, b->data, (size_t)a->width * a->height * 3, 1, NULL);
}

/* g[i] = Rec. 601 luma of RGB pixel i. */
static inline void gray(const gp_image *im, float *g)
{
    for (int i = 0; i < im->width * im->height; i++)
        g[i] = 0.299f * im->data[3 * i] + 0.587f * im->data[3 * i + 1] + 0.114f * im->data[3 * i + 2];
}

#endif
