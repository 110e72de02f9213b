/* full.h — `--full`: the result merged back into the picture at its own
 * resolution through the bridge (bridge.h), as the GIMP plug-in
 * merges it. */
#ifndef CLI_FULL_H
#define CLI_FULL_H

#include "ganprior.h"

/* Runs p->task on picture (RGB, any size) with mask (picture-size, 1 =
 * hole, soft values feather; NULL unless inpainting) and writes into out
 * (allocated here) the merged picture: picture-size, or factor x for
 * superres. */
gp_status cli_full_run(gp_model *m, const gp_invert_params *p, const gp_image *picture,
                       const gp_image *mask, gp_image *out, gp_invert_report *report,
                       gp_error *err);

/* --faces: p->task run on each face found in picture (name: how
 * messages call it), merged into the whole picture as cli_full_run's
 * result; *faces = how many were restored.  No face found is an error
 * that says so and how to go on. */
gp_status cli_full_faces(gp_model *m, const gp_invert_params *p, const gp_image *picture,
                         const gp_image *mask, const char *name, gp_image *out,
                         gp_invert_report *report, int *faces, gp_error *err);

#endif
