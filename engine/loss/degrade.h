/* degrade.h — the task degradations, applied inside the loss.
 *
 * Each maps a generated image x [3, H, W] to what the user's image tells
 * us: the whole image (reconstruct), the known pixels (inpaint: x ⊙ (1-m)),
 * luminance repeated on three channels (colorize: Y = 0.299R + 0.587G +
 * 0.114B), or a box-filtered reduction by an integer factor (super-
 * resolve: each output pixel is the mean of a factor x factor block,
 * which, unlike the reference's bilinear sampling, does not alias).
 * The same operator applied to the target and to G(z) keeps the loss
 * consistent; its adjoint carries the loss gradient back to x.
 */
#ifndef GP_DEGRADE_H
#define GP_DEGRADE_H

#include "ganprior.h"
#include "nn/layer.h"

typedef struct gp_degrade {
    gp_task task;
    int h, w;           /* generated image size */
    int factor;         /* superres */
    const float *keep;  /* inpaint: [h*w], 1 = known pixel, 0 = hole */
} gp_degrade;

/* Shape of D(x) for one image. */
gp_shape gp_degrade_shape(const gp_degrade *d);
/* y = D(x); x [3, h, w], y [gp_degrade_shape]. */
void gp_degrade_forward(const gp_degrade *d, const float *x, float *y);
/* dx = Dᵀ dy (overwrites dx). */
void gp_degrade_adjoint(const gp_degrade *d, const float *dy, float *dx);
/* x [3, h, w]: a plain guess of the image behind dy = D(x), the picture an
 * encoder starts from: dy itself (reconstruct; colorize: the gray
 * picture), the hole filled with the known pixels' mean (inpaint), or the
 * low-resolution picture enlarged by repeating pixels (super-resolve). */
void gp_degrade_estimate(const gp_degrade *d, const float *dy, float *x);

#endif
