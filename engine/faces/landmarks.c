/* landmarks.c — face-api's 68-point tiny landmark net: three dense
 * blocks (each conv's input is the ReLU of the sum of the earlier convs'
 * outputs in the block; Huang et al. 2017, "Densely Connected
 * Convolutional Networks", with sums for concatenations), a 14x14 average
 * pool and a dense layer to 68 (x, y) pairs.  Points follow the iBUG
 * 300-W 68-point order. */
#include "faces/landmarks.h"
#include "faces/layers.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

const float gp_fa_landmark_mean[3] = { 122.782f, 117.001f, 104.298f };

/* Separable conv, 'same', stride s, + bias (no activation): x [cin, h, w]
 * -> y [cout, oh, oh]. */
static void sep(const gp_fa_sep *p, const float *x, int h, int stride, float *t, float *y, int *oh)
{
    int pad, o = gp_fa_same_out(h, 3, stride, &pad);
    gp_fa_depthwise3x3(x, p->cin, h, h, p->depthwise, stride, pad, o, o, t);
    gp_fa_pointwise(t, p->cin, o * o, p->pointwise, p->bias, p->cout, y);
    *oh = o;
}

static void add(float *y, const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = a[i] + b[i];
}

/* One dense block on x [c, h, h] (first: a regular 3x3 conv; else
 * separable conv k), into out1 ([cout, h/2, h/2], the block's result). */
static void dense_block(const gp_fa_landmarker *l, int k, const float *x, int c, int h,
                        float *col, float *t, float *out1, float *out2, float *out3, int *oh,
                        int *oc)
{
    int o, pad;
    if (k < 0) {
        o = gp_fa_same_out(h, 3, 2, &pad);
        gp_fa_conv(x, c, h, h, l->conv0_w, l->conv0_b, 32, 3, 2, pad, o, o, col, out1);
        k = 0;
        *oc = 32;
    } else {
        sep(&l->sep[k], x, h, 2, t, out1, &o);
        *oc = l->sep[k].cout;
        k++;
    }
    const size_t n = (size_t)*oc * o * o;
    gp_fa_relu(out1, n);
    int o2;
    sep(&l->sep[k], out1, o, 1, t, out2, &o2);      /* out2 = conv1(out1) */
    float *in3 = col;                               /* col is free after conv0 */
    add(in3, out1, out2, n);
    gp_fa_relu(in3, n);
    sep(&l->sep[k + 1], in3, o, 1, t, out3, &o2);   /* out3 = conv2(in3) */
    for (size_t i = 0; i < n; i++)
        out1[i] += out2[i] + out3[i];
    gp_fa_relu(out1, n);
    *oh = o;
}

gp_status gp_fa_landmarker_run(const gp_fa_landmarker *l, const float *x, float out[136],
                               gp_error *err)
{
    const int s = GP_FA_LANDMARK_INPUT, half = s / 2;
    const size_t big = (size_t)32 * half * half; /* the largest activation */
    const size_t colsize = (size_t)27 * half * half > big ? (size_t)27 * half * half : big;
    float *col = malloc(colsize * sizeof(float)), *t = malloc(big * sizeof(float));
    float *b[4];
    bool ok = col && t;
    for (int i = 0; i < 4; i++)
        ok = (b[i] = malloc(big * sizeof(float))) != NULL && ok;
    if (ok) {
        int h = s, c = 3;
        const float *in = x;
        float *res = NULL;
        for (int blk = 0; blk < 3; blk++) {
            /* block 0: conv0 + sep[0..1]; block 1: sep[2..4]; block 2: sep[5..7];
             * results alternate between b[0] and b[3] */
            res = blk % 2 ? b[3] : b[0];
            dense_block(l, blk == 0 ? -1 : blk * 3 - 1, in, c, h, col, t, res, b[1], b[2], &h, &c);
            in = res;
        }
        float pooled[128];
        gp_fa_avgpool(res, c, h, h, 14, 2, 1, 1, pooled);
        memcpy(out, l->fc_b, 136 * sizeof(float));
        cblas_sgemv(CblasRowMajor, CblasNoTrans, 136, 128, 1.0f, l->fc_w, 128, pooled, 1, 1.0f, out,
                    1);
    }
    free(col), free(t);
    for (int i = 0; i < 4; i++)
        free(b[i]);
    return ok ? GP_OK : gp_fail(err, GP_ERR_MEMORY, "out of memory for the landmark net");
}

void gp_fa_landmarks_to_picture(const float rel[136], int rw, int rh, int rx, int ry,
                                float pts[68][2])
{
    /* face-api's FaceLandmark68NetBase.postProcess: the output is relative
     * to the padded square; the padding is |w - h| / 2 on the short side. */
    const int s = GP_FA_LANDMARK_INPUT;
    const double scale = (double)s / (rw > rh ? rw : rh);
    const double w = rw * scale, h = rh * scale;
    const double px = w < h ? (h - w) / 2 : 0.0, py = h < w ? (w - h) / 2 : 0.0;
    for (int i = 0; i < 68; i++) {
        pts[i][0] = (float)((rel[2 * i] * s - px) / w * rw + rx);
        pts[i][1] = (float)((rel[2 * i + 1] * s - py) / h * rh + ry);
    }
}

void gp_fa_five_points(gp_face *f)
{
    for (int e = 0; e < 2; e++) { /* 36..41 and 42..47 */
        f->eyes[e][0] = f->eyes[e][1] = 0.0f;
        for (int i = 0; i < 6; i++) {
            f->eyes[e][0] += f->landmarks[36 + 6 * e + i][0] / 6.0f;
            f->eyes[e][1] += f->landmarks[36 + 6 * e + i][1] / 6.0f;
        }
    }
    memcpy(f->nose, f->landmarks[30], sizeof f->nose);
    memcpy(f->mouth[0], f->landmarks[48], sizeof f->mouth[0]);
    memcpy(f->mouth[1], f->landmarks[54], sizeof f->mouth[1]);
}
