/* domain.h — the domain regulariser of in-domain GAN inversion (Zhu et
 * al., "In-Domain GAN Inversion for Real Image Editing", ECCV 2020):
 *
 *     weight * mean_i (z_i - E(G(z))_i)^2
 *
 * A code the encoder gives back from its own image is one inside the
 * generator's domain; the term keeps the search's code there instead of
 * letting it wander to wherever the pixels of a damaged picture pull it.
 * (engine-internal)
 */
#ifndef GP_DOMAIN_H
#define GP_DOMAIN_H

#include "model/encoder.h"

/* The term at code z (latent floats) whose image is x [3, H, W] (in the
 * generator's range).  Adds its gradient through E with respect to x into
 * dx, and writes the direct gradient with respect to z into dz (the caller
 * adds it to the gradient that flows back through G). */
float gp_domain_term(gp_encoder *e, const float *z, int latent, const float *x, float weight,
                     float *dx, float *dz);

#endif
