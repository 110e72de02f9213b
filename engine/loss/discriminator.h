/* discriminator.h — a GAN discriminator and the adversarial terms of
 * generator tuning (engine-internal).
 *
 * A discriminator file is a model file (models/README.md) whose
 * "sequential" network maps an image [3, H, W] in its generator's value
 * range to a logit map [1, h, w]; a large logit says "real".  h = w = 1
 * for a classic discriminator ending in a dense layer; a fully
 * convolutional one scores a grid of patches.
 *
 * With the non-saturating generator loss f(l) = softplus(-l):
 *     global = mean_j f(l_j)
 *     local  = sum_j rho_j f(l_j) / sum_j rho_j
 * where rho is the region of interest (for inpainting, the hole) box-
 * averaged onto the logit grid.  Without a region, as for every task but
 * inpainting, rho = 1 everywhere and the local term equals the global
 * one over the whole image; an empty region (no hole) makes it 0.
 */
#ifndef GP_DISCRIMINATOR_H
#define GP_DISCRIMINATOR_H

#include "model/model.h"

typedef struct gp_disc gp_disc;

/* Loads path and checks it fits the images of the generator g: input
 * [3, H, W] at g's size, one channel of logits out. */
gp_status gp_disc_load(const char *path, const gp_model_info *g, gp_disc **out, gp_error *err);
void gp_disc_free(gp_disc *d);

/* The logit grid's shape [1, 1, h, w]. */
gp_shape gp_disc_logit_shape(const gp_disc *d);
/* Sets the local term's region: roi [H * W], 0..1 (NULL: everywhere). */
void gp_disc_set_region(gp_disc *d, const float *roi);
/* The logits of x [3, H, W] (owned by d, valid until its next call). */
const float *gp_disc_logits(gp_disc *d, const float *x);
/* weight_global * global + weight_local * local at x; when dx is
 * non-NULL adds the gradient with respect to x into it.  The network's
 * own weights get no gradient. */
float gp_disc_loss(gp_disc *d, const float *x, float weight_global, float weight_local,
                   float *dx);

#endif
