/* perceptual.h — a feature-space image distance on SqueezeNet v1.1.
 *
 * phi_t(x) are the activations of the ImageNet network at a few tap
 * layers (the arch's "taps").  The loss is
 *     sum_t  mean|phi_t(x) - phi_t(y)| / mean|phi_t(y)|
 * so each tap weighs the same whatever its activation scale.  The
 * target's features are computed once per inversion, not per step.
 */
#ifndef GP_PERCEPTUAL_H
#define GP_PERCEPTUAL_H

#include "ganprior.h"

typedef struct gp_perceptual gp_perceptual;

/* Loads the network file written by models/convert_squeezenet.py. */
gp_status gp_perceptual_load(const char *path, gp_perceptual **out, gp_error *err);
void gp_perceptual_free(gp_perceptual *p);

/* Fixes the target y [3, h, w] whose values span [lo, hi]; allocates
 * the traces for that size.  GP_ERR_ARGUMENT if the image is too small
 * for the network. */
gp_status gp_perceptual_set_target(gp_perceptual *p, const float *y, int h, int w,
                                   float lo, float hi, gp_error *err);
/* Loss of x against the target; when dx is non-NULL adds
 * weight * dloss/dx into it. */
float gp_perceptual_loss(gp_perceptual *p, const float *x, float weight, float *dx);

#endif
