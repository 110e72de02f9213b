/* encoder.h — an encoder E from images to a generator's latent codes, the
 * start and the domain regulariser of in-domain inversion (engine-internal).
 *
 * An encoder file is a model file (models/README.md) whose "sequential"
 * network maps an image [3, H, W] at its generator's size, in [-1, 1], to
 * a code [latent, 1, 1]; its metadata key "ganprior.encoder" (JSON) names
 * the generator it was trained for ("model", "latent_size").
 * models/train/train_encoder.py writes them.  The engine maps the
 * generator's value range to [-1, 1] on the way in, so callers pass
 * images as the generator makes them.
 */
#ifndef GP_ENCODER_H
#define GP_ENCODER_H

#include "model/model.h"

typedef struct gp_encoder gp_encoder;

/* Loads path and checks it belongs to g: its "model" is g's name, its
 * input g's image size, its output g's latent size.  A mismatched pair
 * is refused (GP_ERR_ARGUMENT) with both names in the message. */
gp_status gp_encoder_load(const char *path, const gp_model *g, gp_encoder **out, gp_error *err);
void gp_encoder_free(gp_encoder *e);

/* E(x) for x [3, H, W] in the generator's range: latent floats, owned by
 * e and valid until its next encode. */
const float *gp_encoder_encode(gp_encoder *e, const float *x);
/* After gp_encoder_encode(x): adds dL/dx for the gradient dz at E(x)
 * into dx [3, H, W].  The encoder's own weights get no gradient. */
void gp_encoder_backward(gp_encoder *e, const float *dz, float *dx);

#endif
