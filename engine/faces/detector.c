/* detector.c — face-api's tiny face detector: the network's forward pass
 * and the YOLO box decoding with its anchors (Redmon & Farhadi 2017,
 * "YOLO9000", section 2: sigmoid cell offsets, exp anchor scales, sigmoid
 * objectness), as face-api's TinyYolov2Base.extractBoxes does it. */
#include "faces/detector.h"
#include "faces/layers.h"

#include <math.h>
#include <stdlib.h>

/* Anchors in grid cells (face-api's tinyFaceDetector/const.ts). */
static const float anchors[GP_FA_ANCHORS][2] = {
    { 1.603231f, 2.094468f }, { 6.041143f, 7.080126f }, { 2.882459f, 3.518061f },
    { 4.266906f, 5.178857f }, { 9.041765f, 10.66308f },
};
const float gp_fa_detector_mean[3] = { 117.001f, 114.697f, 97.404f };

/* Separable conv (pad 1, stride 1) + bias + leaky ReLU: x [cin, h, w] -> y
 * [cout, h, w]; t holds the depthwise result. */
static void sep_leaky(const gp_fa_sep *s, const float *x, int h, int w, float *t, float *y)
{
    gp_fa_depthwise3x3(x, s->cin, h, w, s->depthwise, 1, 1, h, w, t);
    gp_fa_pointwise(t, s->cin, h * w, s->pointwise, s->bias, s->cout, y);
    gp_fa_leaky(y, (size_t)s->cout * h * w);
}

gp_status gp_fa_detector_run(const gp_fa_detector *d, const float *x, int size, float **grid,
                             int *g, gp_error *err)
{
    if (size < 32 || size % 32)
        return gp_fail(err, GP_ERR_ARGUMENT, "detector input size %d is not a multiple of 32",
                       size);
    const int n0 = size - 2;                   /* conv0, 'valid' */
    const size_t big = (size_t)16 * n0 * n0;   /* the largest activation */
    float *col = malloc((size_t)27 * n0 * n0 * sizeof(float));
    float *a = malloc(big * sizeof(float)), *b = malloc(big * sizeof(float));
    float *t = malloc(big * sizeof(float));
    if (!col || !a || !b || !t) {
        free(col), free(a), free(b), free(t);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the face detector at %d px", size);
    }
    gp_fa_conv(x, 3, size, size, d->conv0_w, d->conv0_b, 16, 3, 1, 0, n0, n0, col, a);
    gp_fa_leaky(a, big);
    free(col);
    int h = n0, c = 16, pad;
    for (int i = 0; i < 5; i++) {
        /* max pool 2x2 stride 2 ('same') then a separable conv */
        int oh = gp_fa_same_out(h, 2, 2, &pad);
        gp_fa_maxpool2(a, c, h, h, 2, oh, oh, b);
        h = oh;
        sep_leaky(&d->sep[i], b, h, h, t, a);
        c = d->sep[i].cout;
    }
    gp_fa_maxpool2(a, c, h, h, 1, h, h, b); /* stride 1, 'same' */
    float *out = malloc((size_t)GP_FA_GRID_CH * h * h * sizeof(float));
    if (out)
        gp_fa_pointwise(b, c, h * h, d->conv8_w, d->conv8_b, GP_FA_GRID_CH, out);
    free(a), free(b), free(t);
    if (!out)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the face detector's grid");
    *grid = out;
    *g = h;
    return GP_OK;
}

static float sigmoid(float v)
{
    return 1.0f / (1.0f + expf(-v));
}

int gp_fa_decode(const float *grid, int g, int size, int width, int height, float threshold,
                 gp_fa_box *boxes, int max)
{
    /* face-api's computeReshapedDimensions: the picture's size inside the
     * padded square input, rounded. */
    const double scale = (double)size / (width > height ? width : height);
    const double rw = round(width * scale), rh = round(height * scale);
    const double fx = size / rw, fy = size / rh; /* correction factors */
    const size_t plane = (size_t)g * g;
    int n = 0;
    for (int row = 0; row < g; row++)
        for (int col = 0; col < g; col++)
            for (int a = 0; a < GP_FA_ANCHORS; a++) {
                const float *v = grid + (size_t)(a * 5) * plane + (size_t)row * g + col;
                float score = sigmoid(v[4 * plane]);
                if (!(score > threshold) || n >= max)
                    continue;
                double cx = (col + sigmoid(v[0])) / g * fx, cy = (row + sigmoid(v[plane])) / g * fy;
                double w = exp(v[2 * plane]) * anchors[a][0] / g * fx;
                double h = exp(v[3 * plane]) * anchors[a][1] / g * fy;
                boxes[n++] = (gp_fa_box){ (float)((cx - w / 2) * width), (float)((cy - h / 2) * height),
                                          (float)(w * width), (float)(h * height), score };
            }
    return n;
}

static double iou(const gp_fa_box *p, const gp_fa_box *q)
{
    double w = fmin(p->x + p->w, q->x + q->w) - fmax(p->x, q->x);
    double h = fmin(p->y + p->h, q->y + q->h) - fmax(p->y, q->y);
    double inter = w > 0 && h > 0 ? w * h : 0.0;
    return inter / ((double)p->w * p->h + (double)q->w * q->h - inter);
}

static int by_score(const void *a, const void *b)
{
    float s = ((const gp_fa_box *)a)->score, t = ((const gp_fa_box *)b)->score;
    return s < t ? 1 : s > t ? -1 : 0;
}

int gp_fa_nms(gp_fa_box *boxes, int n, float iou_threshold)
{
    qsort(boxes, (size_t)n, sizeof *boxes, by_score);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        bool keep = true;
        for (int j = 0; j < kept && keep; j++)
            keep = iou(&boxes[j], &boxes[i]) <= iou_threshold;
        if (keep)
            boxes[kept++] = boxes[i];
    }
    return kept;
}
