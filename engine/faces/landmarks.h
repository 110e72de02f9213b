/* landmarks.h — the 68 points from the landmark net (engine-internal). */
#ifndef GP_FACES_LANDMARKS_H
#define GP_FACES_LANDMARKS_H

#include "faces/nets.h"

/* The landmark net's input mean (0..255, RGB). */
extern const float gp_fa_landmark_mean[3];

/* The net's relative output for the rectangle (rx, ry, rw, rh) it was
 * run on (padded centred to a square) -> points in picture pixels. */
void gp_fa_landmarks_to_picture(const float rel[136], int rw, int rh, int rx, int ry,
                                float pts[68][2]);

/* Fills eyes (means of points 36-41 and 42-47), nose (30) and mouth
 * (48, 54) from f->landmarks. */
void gp_fa_five_points(gp_face *f);

#endif
