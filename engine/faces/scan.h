/* scan.h — the detector over a whole picture at several scales
 * (engine-internal; finder.c suppresses and landmarks the result). */
#ifndef GP_FACES_SCAN_H
#define GP_FACES_SCAN_H

#include "faces/detector.h"

/* A growing list of candidate boxes in picture pixels. */
typedef struct gp_fa_boxes {
    gp_fa_box *box;
    int n, cap;
} gp_fa_boxes;

void gp_fa_boxes_release(gp_fa_boxes *b);

/* Candidates (score > p->score_threshold, not yet suppressed) from the
 * passes gp_faces_find makes (see gp_face_params in ganprior.h): with
 * p->multiscale false the single face-api pass (the picture padded after
 * to a square, TensorFlow's bilinear resize); else the picture area-
 * averaged to the input, the picture centred small in the input (large
 * tight faces), and levels of overlapping tiles at larger scales down to
 * p->min_face.  *passes (if non-NULL): the detector runs made. */
gp_status gp_fa_scan(const gp_fa_detector *d, const gp_face_params *p, const gp_image *img,
                     gp_fa_boxes *out, int *passes, gp_error *err);

#endif
