/* im2col.c — patch unfolding for convolutions as GEMMs. */
#include "nn/im2col.h"

#include <string.h>

/* One output row of one kernel tap: the input row it reads, with the
 * zero padding at both ends handled by range, not per pixel. */
static void tap_range(int size, int osize, int stride, int pad, int kk,
                      int *lo, int *hi)
{
    /* o valid when 0 <= o*stride - pad + kk < size */
    int a = pad - kk;
    *lo = a <= 0 ? 0 : (a + stride - 1) / stride;
    int b = size + pad - kk; /* o*stride < b */
    *hi = b <= 0 ? 0 : (b + stride - 1) / stride;
    if (*hi > osize)
        *hi = osize;
    if (*lo > *hi)
        *lo = *hi;
}

void gp_im2col(const gp_patch_geom *g, const float *x, float *col)
{
    const int ohw = g->oh * g->ow, cols = g->n * ohw;
    for (int ci = 0; ci < g->c; ci++)
        for (int ky = 0; ky < g->k; ky++)
            for (int kx = 0; kx < g->k; kx++) {
                float *row = col + (size_t)((ci * g->k + ky) * g->k + kx) * cols;
                int x0, x1, y0, y1;
                tap_range(g->w, g->ow, g->stride, g->pad, kx, &x0, &x1);
                tap_range(g->h, g->oh, g->stride, g->pad, ky, &y0, &y1);
                for (int s = 0; s < g->n; s++) {
                    const float *plane = x + ((size_t)s * g->c + ci) * g->h * g->w;
                    float *dst = row + (size_t)s * ohw;
                    memset(dst, 0, (size_t)y0 * g->ow * sizeof(float));
                    for (int oy = y0; oy < y1; oy++) {
                        const float *src = plane + (size_t)(oy * g->stride - g->pad + ky) * g->w
                                           - g->pad + kx;
                        float *d = dst + (size_t)oy * g->ow;
                        for (int ox = 0; ox < x0; ox++)
                            d[ox] = 0.0f;
                        if (g->stride == 1)
                            memcpy(d + x0, src + x0, (size_t)(x1 - x0) * sizeof(float));
                        else
                            for (int ox = x0; ox < x1; ox++)
                                d[ox] = src[ox * g->stride];
                        for (int ox = x1; ox < g->ow; ox++)
                            d[ox] = 0.0f;
                    }
                    memset(dst + (size_t)y1 * g->ow, 0,
                           (size_t)(g->oh - y1) * g->ow * sizeof(float));
                }
            }
}

void gp_col2im(const gp_patch_geom *g, const float *col, float *dx)
{
    const int ohw = g->oh * g->ow, cols = g->n * ohw;
    for (int ci = 0; ci < g->c; ci++)
        for (int ky = 0; ky < g->k; ky++)
            for (int kx = 0; kx < g->k; kx++) {
                const float *row = col + (size_t)((ci * g->k + ky) * g->k + kx) * cols;
                int x0, x1, y0, y1;
                tap_range(g->w, g->ow, g->stride, g->pad, kx, &x0, &x1);
                tap_range(g->h, g->oh, g->stride, g->pad, ky, &y0, &y1);
                for (int s = 0; s < g->n; s++) {
                    float *plane = dx + ((size_t)s * g->c + ci) * g->h * g->w;
                    const float *src = row + (size_t)s * ohw;
                    for (int oy = y0; oy < y1; oy++) {
                        float *d = plane + (size_t)(oy * g->stride - g->pad + ky) * g->w
                                   - g->pad + kx;
                        const float *sr = src + (size_t)oy * g->ow;
                        for (int ox = x0; ox < x1; ox++)
                            d[ox * g->stride] += sr[ox];
                    }
                }
            }
}

void gp_nchw_to_cnhw(int n, int c, int hw, const float *src, float *dst)
{
    for (int s = 0; s < n; s++)
        for (int ci = 0; ci < c; ci++)
            memcpy(dst + ((size_t)ci * n + s) * hw, src + ((size_t)s * c + ci) * hw,
                   (size_t)hw * sizeof(float));
}

void gp_cnhw_to_nchw(int n, int c, int hw, const float *src, float *dst)
{
    for (int s = 0; s < n; s++)
        for (int ci = 0; ci < c; ci++)
            memcpy(dst + ((size_t)s * c + ci) * hw, src + ((size_t)ci * n + s) * hw,
                   (size_t)hw * sizeof(float));
}
