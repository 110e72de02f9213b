/* invert.h — the inversion with its composed feature (engine-internal:
 * gp_subspace_swap edits that feature). */
#ifndef GP_INVERT_H
#define GP_INVERT_H

#include "ganprior.h"

/* gp_invert; when feature is non-NULL it also receives, on GP_OK, the
 * composed feature at the split that gave the best image ([c, h, w],
 * malloc'd: the caller frees it). */
gp_status gp_invert_feature(gp_model *m, const gp_invert_params *p, const gp_image *target,
                            const gp_image *mask, gp_image *out, float **feature,
                            gp_invert_report *report, gp_error *err);

#endif
