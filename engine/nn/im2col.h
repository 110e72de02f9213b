/* im2col.h — unfold image patches into GEMM columns and fold them back.
 *
 * A conv input [n, c, h, w] with kernel k, stride s and padding p
 * (top/left; bottom/right implied by the output size oh x ow) becomes
 * col[c*k*k][n*oh*ow]: row (ci, ky, kx), column (sample, oy, ox).
 * Padding reads as zero.  col2im is its adjoint: it adds every column
 * entry back into the pixel it came from (dx must be zeroed first).
 */
#ifndef GP_IM2COL_H
#define GP_IM2COL_H

typedef struct gp_patch_geom {
    int n, c, h, w;   /* input */
    int k, stride, pad;
    int oh, ow;       /* output */
} gp_patch_geom;

void gp_im2col(const gp_patch_geom *g, const float *x, float *col);
void gp_col2im(const gp_patch_geom *g, const float *col, float *dx);

/* [n][c][hw] <-> [c][n*hw]: batched GEMM results to NCHW and back. */
void gp_nchw_to_cnhw(int n, int c, int hw, const float *src, float *dst);
void gp_cnhw_to_nchw(int n, int c, int hw, const float *src, float *dst);

#endif
