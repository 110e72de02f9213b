/* model.h — the loaded generator (engine-internal view of gp_model). */
#ifndef GP_MODEL_H
#define GP_MODEL_H

#include "ganprior.h"
#include "nn/net.h"
#include "core/rng.h"

struct gp_model {
    gp_net *net;
    gp_model_info info;
    char *name, *family, *licence, *provenance;
    char *path; /* the file it was loaded from: sidecars sit next to it */
    bool has_face_frame;     /* the metadata's ganprior.face_frame was read */
    float face_frame[5][2];  /* its five points, unit coordinates */
};

/* Draws one latent vector (info.latent_size floats). */
void gp_model_draw_latent(const gp_model *m, gp_rng *r, float *z);
/* Network output [3, h, w] in the model's range -> interleaved [0, 1]
 * (clamped).  out must be allocated at the model size. */
void gp_model_output_to_image(const gp_model *m, const float *chw, gp_image *out);
/* Interleaved [0, 1] image -> planar [c, h, w] in the model's range. */
void gp_model_image_to_range(const gp_model *m, const gp_image *img, float *chw);

#endif
