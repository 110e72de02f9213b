/* detector.h — boxes from the tiny face detector's grid (engine-internal). */
#ifndef GP_FACES_DETECTOR_H
#define GP_FACES_DETECTOR_H

#include "faces/nets.h"

/* A box in picture pixels: left, top, width, height, and its score. */
typedef struct gp_fa_box {
    float x, y, w, h, score;
} gp_fa_box;

/* The detector's input mean (0..255, RGB). */
extern const float gp_fa_detector_mean[3];

/* Decodes grid [25, g, g] of an input of side size made from a width x
 * height picture (padded after it to a square) into at most max boxes with
 * score > threshold, in grid order; returns their count. */
int gp_fa_decode(const float *grid, int g, int size, int width, int height, float threshold,
                 gp_fa_box *boxes, int max);

/* Greedy non-maximum suppression: sorts boxes by score (highest first) and
 * keeps each whose IoU with every kept one is <= iou_threshold; returns
 * the number kept (at the front). */
int gp_fa_nms(gp_fa_box *boxes, int n, float iou_threshold);

#endif
