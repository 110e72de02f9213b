/* nets.h — the two face networks' weights and forward passes
 * (engine-internal).  Layouts: engine/faces/README.md and
 * models/convert_faceapi.py. */
#ifndef GP_FACES_NETS_H
#define GP_FACES_NETS_H

#include "ganprior.h"

/* A depthwise-separable convolution: depthwise [cin, 3, 3], pointwise
 * [cout, cin], bias [cout]. */
typedef struct gp_fa_sep {
    int cin, cout;
    float *depthwise, *pointwise, *bias;
} gp_fa_sep;

/* face-api's TinyFaceDetector: conv0 3x3 'valid' 3->16, five separable
 * convs 16->32->64->128->256->512 each followed by 2x2 max pools, conv8
 * 1x1 512->25 (5 anchors x [x, y, w, h, score]). */
typedef struct gp_fa_detector {
    float *conv0_w, *conv0_b; /* [16, 3, 3, 3], [16] */
    gp_fa_sep sep[5];
    float *conv8_w, *conv8_b; /* [25, 512], [25] */
} gp_fa_detector;

#define GP_FA_ANCHORS 5
#define GP_FA_GRID_CH (GP_FA_ANCHORS * 5)

/* face-api's FaceLandmark68TinyNet: three dense blocks of three convs
 * (the first 3x3 stride 2: regular in block 0, separable after), a 14x14
 * average pool and a dense layer to 136 = 68 (x, y). */
typedef struct gp_fa_landmarker {
    float *conv0_w, *conv0_b; /* dense0.conv0: [32, 3, 3, 3], [32] */
    gp_fa_sep sep[8];         /* dense0.conv1, conv2, dense1.conv0..2, dense2.conv0..2 */
    float *fc_w, *fc_b;       /* [136, 128], [136] */
} gp_fa_landmarker;

#define GP_FA_LANDMARK_INPUT 112

gp_status gp_fa_detector_load(const char *path, gp_fa_detector *d, gp_error *err);
void gp_fa_detector_release(gp_fa_detector *d);
gp_status gp_fa_landmarker_load(const char *path, gp_fa_landmarker *l, gp_error *err);
void gp_fa_landmarker_release(gp_fa_landmarker *l);

/* The detector on a prepared input x [3, size, size] (input.h): grid
 * (allocated here, free()) [25, g, g], g = size / 32 (the network's raw
 * output: per cell and anchor x, y, w, h, score logits, channel
 * anchor*5 + k). */
gp_status gp_fa_detector_run(const gp_fa_detector *d, const float *x, int size, float **grid,
                             int *g, gp_error *err);
/* The landmark net on x [3, 112, 112]: out[136], (x, y) pairs relative to
 * the padded square input, nominally in [0, 1]. */
gp_status gp_fa_landmarker_run(const gp_fa_landmarker *l, const float *x, float out[136],
                               gp_error *err);

#endif
