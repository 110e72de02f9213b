/* winograd.h — 3x3 stride-1 convolutions by Winograd's minimal filtering
 * algorithm F(m x m, 3 x 3), m = 2 or 4 (Lavin & Gray, "Fast Algorithms
 * for Convolutional Neural Networks", CVPR 2016, arXiv:1509.09308).
 *
 * The output is cut into m x m tiles; each reads an a x a input tile
 * (a = m + 2).  Input tiles d, kernels g and outputs go through small
 * fixed transforms: V = Bᵀ d B, U = G g Gᵀ, Y = Aᵀ M A, and the a*a
 * positions xi of the transformed tiles are independent:
 *
 *   M[xi] [tiles, cout] = V[xi] [tiles, cin] * U[xi]ᵀ [cin, cout]
 *
 * one SGEMM per position over the whole batch (tiles = n * tiles per
 * sample).  Per output pixel and channel pair that is a*a/(m*m)
 * multiply-adds instead of 9: 4 for F(2,3) (2.25x fewer), 2.25 for
 * F(4,3) (4x fewer), at the price of the transforms (proportional to
 * cin + cout, not cin * cout) and of rounding: F(4,3)'s transforms have
 * entries up to 8 and 1/24, so it is off the direct convolution by a few
 * 1e-6 relative (3e-6 at 256 channels) where F(2,3) is off by a few 1e-7.
 * The order of operations is fixed, so results are the same run to run.
 *
 * Backward is the exact adjoint of the same computation (so finite
 * differences agree with it as they do with the forward):
 *   dM = A dY Aᵀ,  dV[xi] = dM[xi] U[xi],  dx += B dV Bᵀ (overlapping
 *   tiles add up),  dU[xi] = dM[xi]ᵀ V[xi],  dw += Gᵀ dU G.
 *
 * Layout: x, y [n, c, h, w]; weights w [cout, cin, 3, 3]; U [a*a][cout][cin];
 * in scratch V, M [a*a][tiles][channels], so that the transforms read and
 * write L = 8 channels of a tile as one vector.  Any padding works (input
 * outside the image reads as zero); output h + 2 pad - 2 by w + 2 pad - 2,
 * partial tiles at the edges cropped.
 *
 * Up-sampling (up): the input is first enlarged x2 by nearest neighbour
 * (upconv2d.c), pad 1, output 2h x 2w.  An a x a tile of the enlarged
 * map is a duplication D of an (m/2 + 2)-square tile of x, so the input
 * transform becomes (Bᵀ D) x (Bᵀ D)ᵀ, read straight from x.  One row of
 * Bᵀ D is zero (the third: it weighs the points +1 and -1 alike, and D
 * makes neighbours equal), so 2a - 1 of the a*a positions vanish and
 * their SGEMMs are skipped: F(4,3) takes 25 products per 16 outputs,
 * against 64 for upconv2d's four 2x2 phase kernels.
 */
#ifndef GP_WINOGRAD_H
#define GP_WINOGRAD_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gp_wino {
    int m;                /* 2 or 4 */
    int n, cin, cout, h, w, pad;
    bool up;              /* x enlarged x2 first (pad is then 1) */
    int oh, ow, th, tw;   /* output size; tiles down and across one sample */
    int tiles;            /* n * th * tw: the SGEMMs' row count */
    int step, ain, padi;  /* input tiles: stride, side, x's offset in them */
} gp_wino;

/* The geometry of F(m x m, 3 x 3) on [n, cin, h, w] with this padding
 * (1 when up); false when the output would be empty or int sizes
 * overflow. */
bool gp_wino_geom(gp_wino *g, int m, int n, int cin, int cout, int h, int w, int pad, bool up);

/* Which F(m,3) pays for this layer and input: 4, 2, or 0 for neither
 * (the layer's plain path).  The transforms cost per tile cin + cout, the
 * SGEMMs cin * cout, so narrow layers stay plain; F(4,3) needs enough
 * tiles for its 36 SGEMMs to be worth their calls, F(2,3) takes the small
 * maps (a 4x4 map is 4 tiles of F(2,3) but one of F(4,3)).  Thresholds
 * from bench/bench_conv_paths.c on the default model's shapes. */
int gp_wino_choose(int n, int cin, int cout, int h, int w, int pad, bool up);

/* Floats of U for m and these channels: (m+2)^2 * cout * cin. */
size_t gp_wino_kernel_count(int m, int cin, int cout);
/* U from weights [cout, cin, 3, 3]. */
void gp_wino_kernels(int m, int cin, int cout, const float *w, float *u);

/* Floats of scratch forward and backward need. */
size_t gp_wino_scratch(const gp_wino *g);

/* y [n, cout, oh, ow] = conv(x), no bias. */
void gp_wino_forward(const gp_wino *g, const float *u, const float *x, float *y,
                     float *scratch);
/* dx [n, cin, h, w] overwritten when non-NULL; dw [cout, cin, 3, 3]
 * accumulated into when non-NULL (x is then read). */
void gp_wino_backward(const gp_wino *g, const float *u, const float *x, const float *dy,
                      float *dx, float *dw, float *scratch);

#endif
