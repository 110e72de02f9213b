/* full.h — `--full`: the result merged back into the picture at its own
 * resolution through the bridge (bridge.h), as the GIMP plug-in
 * merges it. */
#ifndef CLI_FULL_H
#define CLI_FULL_H

#include "ganprior.h"

/* What --full gives back. */
typedef struct cli_full_result {
    gp_image image;          /* the merged picture: picture-size, or factor x for superres */
    gp_invert_report report;
    double psnr;             /* the task's PSNR over the picture (the report's "psnr") */
    int faces;               /* --faces: how many were restored */
} cli_full_result;

/* Runs p->task on picture (RGB, any size) with mask (picture-size, 1 =
 * hole, soft values feather; NULL unless inpainting) and merges the
 * result into out->image.  Except for superres (a new, enlarged image)
 * the merge is written over the picture's own pixels, which out->image
 * then holds: picture is left empty. */
gp_status cli_full_run(gp_model *m, const gp_invert_params *p, gp_image *picture,
                       const gp_image *mask, cli_full_result *out, gp_error *err);

/* --faces: p->task run on each face found in picture (name: how
 * messages call it), merged as cli_full_run merges.  No face found is an
 * error that says so and how to go on. */
gp_status cli_full_faces(gp_model *m, const gp_invert_params *p, gp_image *picture,
                         const gp_image *mask, const char *name, cli_full_result *out,
                         gp_error *err);

#endif
