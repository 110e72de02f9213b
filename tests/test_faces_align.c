/* test_faces_align.c — a face onto the model's frame and back
 * (gp_similarity_fit, gp_face_align, gp_model_face_frame).
 *   test_faces_align DETECTOR LANDMARKS [PICTURES TRUTH]
 *
 * Exact: random similarities are recovered from 5 points they move (to
 * float precision), inverses compose to the identity, degenerate point
 * sets are refused, the fit is a least-squares minimum on noisy points;
 * a model file's ganprior.face_frame is read, a malformed one refused, and
 * a model without it gets the default frame.
 * Composed pictures (tests/faces_composed.py; that part skipped without
 * them): each face found is aligned to the default frame at 128 px, warped
 * there (bilinear), its five points found again in the crop (they must sit
 * near the frame), and the crop warped back into the picture, where it
 * must reproduce the face to within the two resamplings' error. */
#include "ganprior.h"
#include "model/safetensors.h"
#include "reference.h"
#include "testmodel.h"

#include <stdio.h>
#include <string.h>

static uint64_t rng_state = 12345;

static double uniform(double lo, double hi)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * (double)(rng_state >> 11) / 9007199254740992.0;
}

static double residual(const gp_similarity *t, float (*src)[2], float (*dst)[2], int n)
{
    double e = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            const double q = t->m[k][0] * src[i][0] + t->m[k][1] * src[i][1] + t->m[k][2];
            e += (q - dst[i][k]) * (q - dst[i][k]);
        }
    return e;
}

static void synthetic(void)
{
    gp_error err;
    for (int trial = 0; trial < 200; trial++) {
        const double s = uniform(0.05, 20), r = uniform(-M_PI, M_PI);
        const gp_similarity t = { { { s * cos(r), -s * sin(r), uniform(-500, 500) },
                                    { s * sin(r), s * cos(r), uniform(-500, 500) } } };
        float src[5][2], dst[5][2];
        for (int i = 0; i < 5; i++) {
            src[i][0] = (float)uniform(0, 1000), src[i][1] = (float)uniform(0, 1000);
            gp_similarity_apply(&t, src[i], dst[i]);
        }
        gp_similarity f, inv;
        CHECK(gp_similarity_fit((const float (*)[2])src, (const float (*)[2])dst, 5, &f, &err) == GP_OK,
              "%s", err.message);
        double d = 0;
        for (int k = 0; k < 2; k++)
            for (int c = 0; c < 3; c++)
                d = fmax(d, fabs(f.m[k][c] - t.m[k][c]) / (c == 2 ? 1000.0 + 1000.0 * s : s));
        CHECK(d < 1e-6, "trial %d: recovered with relative error %.3g", trial, d);
        gp_similarity_invert(&f, &inv);
        /* inv o f = identity */
        float p[2] = { (float)uniform(-100, 100), (float)uniform(-100, 100) }, q[2];
        gp_similarity_apply(&f, p, q);
        gp_similarity_apply(&inv, q, q);
        CHECK(fabs(q[0] - p[0]) < 1e-3 && fabs(q[1] - p[1]) < 1e-3, "trial %d: inverse", trial);
        /* noisy points: the fit is a least-squares minimum */
        for (int i = 0; i < 5; i++)
            dst[i][0] += (float)uniform(-3, 3), dst[i][1] += (float)uniform(-3, 3);
        gp_similarity_fit((const float (*)[2])src, (const float (*)[2])dst, 5, &f, &err);
        const double e0 = residual(&f, src, dst, 5);
        for (int k = 0; k < 6; k++) {
            for (int sign = -1; sign <= 1; sign += 2) {
                gp_similarity g = f;
                const double h = k < 2 ? 1e-4 : 1e-2; /* a, b or the translation */
                if (k == 0)
                    g.m[0][0] += sign * h, g.m[1][1] += sign * h;
                else if (k == 1)
                    g.m[1][0] += sign * h, g.m[0][1] -= sign * h;
                else
                    g.m[k % 2][2] += sign * h;
                CHECK(residual(&g, src, dst, 5) >= e0 * (1 - 1e-6), "trial %d: not a minimum", trial);
            }
        }
    }
    float same[3][2] = { { 1, 2 }, { 1, 2 }, { 1, 2 } }, other[3][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 } };
    gp_similarity f;
    CHECK(gp_similarity_fit((const float (*)[2])same, (const float (*)[2])other, 3, &f, &err) ==
              GP_ERR_ARGUMENT, "coincident source points");
    CHECK(gp_similarity_fit((const float (*)[2])other, (const float (*)[2])same, 3, &f, &err) ==
              GP_ERR_ARGUMENT, "coincident target points");
    CHECK(gp_similarity_fit((const float (*)[2])other, (const float (*)[2])other, 1, &f, &err) ==
              GP_ERR_ARGUMENT, "one point");

    /* gp_face_align: a face whose points are the frame moved by t */
    float frame[5][2];
    CHECK(!gp_model_face_frame(NULL, frame), "NULL model: the default frame");
    for (int i = 0; i < 5; i++)
        CHECK(frame[i][0] > 0.2f && frame[i][0] < 0.8f && frame[i][1] > 0.2f && frame[i][1] < 0.8f,
              "default frame point %d (%.3f, %.3f)", i, frame[i][0], frame[i][1]);
    CHECK(frame[0][0] < frame[1][0] && frame[3][0] < frame[4][0] && frame[0][1] < frame[2][1] &&
          frame[2][1] < frame[3][1], "default frame's order");
    const gp_similarity t = { { { 2 * cos(0.3), -2 * sin(0.3), 40 }, { 2 * sin(0.3), 2 * cos(0.3), 70 } } };
    gp_face face = { 0 };
    float *pts[5] = { face.eyes[0], face.eyes[1], face.nose, face.mouth[0], face.mouth[1] };
    for (int i = 0; i < 5; i++) {
        float q[2] = { frame[i][0] * 128, frame[i][1] * 128 };
        gp_similarity_apply(&t, q, pts[i]);
    }
    gp_similarity to_model, to_picture;
    CHECK(gp_face_align(&face, (const float (*)[2])frame, 128, &to_model, &to_picture, &err) == GP_OK,
          "%s", err.message);
    double d = 0;
    for (int k = 0; k < 2; k++)
        for (int c = 0; c < 3; c++)
            d = fmax(d, fabs(to_picture.m[k][c] - t.m[k][c]));
    CHECK(d < 1e-4, "gp_face_align's inverse differs from the transform by %.3g", d);
}

/* A small model file with (or without) a face frame in its metadata. */
static gp_status model_with_frame(const char *frame_json, gp_model **m, gp_error *err)
{
    static float w[3 * 16 * 4], b[3 * 16];
    for (int i = 0; i < 3 * 16 * 4; i++)
        w[i] = (float)uniform(-1, 1);
    const char *arch = "{\"family\": \"sequential\", \"latent_size\": 4, \"range\": [-1, 1],"
                       " \"input\": [4, 1, 1], \"layers\": [{\"type\": \"dense\", \"name\": \"fc\","
                       " \"in\": 4, \"out\": [3, 4, 4], \"bias\": true}, {\"type\": \"tanh\"}]}";
    const gp_st_entry t[2] = { { "fc.weight", 2, { 48, 4 }, w }, { "fc.bias", 1, { 48 }, b } };
    const char *meta[4] = { "ganprior.arch", arch, "ganprior.face_frame", frame_json };
    char path[512];
    snprintf(path, sizeof path, "%s/frame.safetensors", testmodel_tmpdir());
    gp_status s = gp_safetensors_write(path, t, 2, meta, frame_json ? 2 : 1, err);
    return s == GP_OK ? gp_model_load(path, m, err) : s;
}

static void model_frames(void)
{
    gp_error err;
    gp_model *m = NULL;
    float pts[5][2];
    CHECK(model_with_frame("[[0.3,0.3],[0.7,0.3],[0.5,0.5],[0.35,0.7],[0.65,0.7]]", &m, &err) == GP_OK,
          "%s", err.message);
    CHECK(m && gp_model_face_frame(m, pts) && pts[1][0] == 0.7f && pts[4][1] == 0.7f, "the file's frame");
    gp_model_free(m);
    CHECK(model_with_frame(NULL, &m, &err) == GP_OK, "%s", err.message);
    float def[5][2];
    gp_model_face_frame(NULL, def);
    CHECK(m && !gp_model_face_frame(m, pts) && !memcmp(pts, def, sizeof def), "no frame: the default");
    gp_model_free(m);
    const char *bad[] = { "[[0.3,0.3]]", "nonsense", "[[0.3,0.3],[0.7,0.3],[0.5,0.5],[0.35,0.7],[0.65,1.7]]",
                          "[[0.3,0.3],[0.7,0.3],[0.5,0.5],[0.35,0.7],[0.65]]", "{\"a\": 1}" };
    for (int i = 0; i < 5; i++) {
        CHECK(model_with_frame(bad[i], &m, &err) == GP_ERR_FORMAT && strstr(err.message, "face_frame"),
              "malformed frame %s accepted", bad[i]);
        gp_model_free(m);
        m = NULL;
    }
}

/* dst (w x h) = src sampled at t(p) for each dst pixel centre p,
 * bilinear; NAN outside src. */
static void warp(const gp_image *src, const gp_similarity *t, gp_image *dst)
{
    for (int y = 0; y < dst->height; y++)
        for (int x = 0; x < dst->width; x++) {
            float p[2] = { x + 0.5f, y + 0.5f }, q[2];
            gp_similarity_apply(t, p, q);
            const double fx = q[0] - 0.5, fy = q[1] - 0.5;
            const int x0 = (int)floor(fx), y0 = (int)floor(fy);
            const double wx = fx - x0, wy = fy - y0;
            float *d = dst->data + ((size_t)y * dst->width + x) * 3;
            if (x0 < 0 || y0 < 0 || x0 + 1 >= src->width || y0 + 1 >= src->height) {
                d[0] = d[1] = d[2] = NAN;
                continue;
            }
            for (int c = 0; c < 3; c++) {
                const float *s = src->data + ((size_t)y0 * src->width + x0) * 3 + c;
                const size_t row = (size_t)src->width * 3;
                d[c] = (float)((1 - wy) * ((1 - wx) * s[0] + wx * s[3]) + wy * ((1 - wx) * s[row] + wx * s[row + 3]));
            }
        }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Mean absolute difference over the middle half of box between img and
 * img warped into the 128 px model square by to_model (sampled through
 * to_picture) and back (sampled through to_model, shifted by off px). */
static double round_error(const gp_image *img, const float box[4], const gp_similarity *to_model,
                          const gp_similarity *to_picture, int off)
{
    gp_image crop = { 0 }, back = { 0 };
    const int bw = (int)box[2], bh = (int)box[3], bx = (int)box[0] + off, by = (int)box[1];
    gp_image_alloc(&crop, 128, 128, 3);
    gp_image_alloc(&back, bw, bh, 3);
    warp(img, to_picture, &crop);
    gp_similarity shift = *to_model; /* back's pixel p is the picture's p + (bx, by) */
    shift.m[0][2] += to_model->m[0][0] * bx + to_model->m[0][1] * by;
    shift.m[1][2] += to_model->m[1][0] * bx + to_model->m[1][1] * by;
    warp(&crop, &shift, &back);
    double sum = 0;
    long cnt = 0;
    for (int y = bh / 4; y < bh * 3 / 4; y++)
        for (int x = bw / 4; x < bw * 3 / 4; x++) {
            const int px = (int)box[0] + x, py = (int)box[1] + y;
            if (px < 0 || py < 0 || px >= img->width || py >= img->height)
                continue;
            for (int c = 0; c < 3; c++) {
                const float v = back.data[((size_t)y * bw + x) * 3 + c];
                if (!isnan(v))
                    sum += fabs(v - img->data[((size_t)py * img->width + px) * 3 + c]), cnt++;
            }
        }
    gp_image_release(&crop);
    gp_image_release(&back);
    return cnt ? sum / cnt : 1.0;
}

static void round_trip(gp_face_finder *f, gp_safetensors *pics)
{
    float frame[5][2];
    gp_model_face_frame(NULL, frame);
    int faces_done = 0;
    double worst_ratio = 0, sum_err = 0, sum_shift = 0;
    int with_face = 0, pts_n = 0;
    double pts_dev[64];
    for (int k = 0; k < 20; k++) {
        gp_image img;
        if (!ref_picture(pics, k, &img))
            continue;
        gp_face found[8];
        int n = 0;
        gp_error err;
        CHECK(gp_faces_find(f, NULL, &img, found, 8, &n, &err) == GP_OK, "%s", err.message);
        for (int i = 0; i < n; i++) {
            gp_similarity to_model, to_picture;
            CHECK(gp_face_align(&found[i], (const float (*)[2])frame, 128, &to_model, &to_picture, &err) ==
                      GP_OK, "%s", err.message);
            const double scale = hypot(to_model.m[0][0], to_model.m[1][0]);
            gp_image crop = { 0 };
            gp_image_alloc(&crop, 128, 128, 3);
            warp(&img, &to_picture, &crop);
            /* the five points found again in the aligned crop, on gray around it */
            gp_image canvas = { 0 };
            gp_image_alloc(&canvas, 256, 256, 3);
            for (size_t j = 0; j < (size_t)256 * 256 * 3; j++) {
                const size_t px = j / 3, x = px % 256, y = px / 256;
                const float v = x >= 64 && x < 192 && y >= 64 && y < 192
                                    ? crop.data[((y - 64) * 128 + x - 64) * 3 + j % 3] : 0.5f;
                canvas.data[j] = isnan(v) ? 0.5f : v;
            }
            gp_face again[2];
            int m = 0;
            CHECK(gp_faces_find(f, NULL, &canvas, again, 2, &m, &err) == GP_OK, "%s", err.message);
            if (m > 0) {
                float p5[5][2];
                gp_face_five(&again[0], p5);
                double e = 0;
                for (int j = 0; j < 5; j++)
                    e = fmax(e, hypot(p5[j][0] - 64 - frame[j][0] * 128, p5[j][1] - 64 - frame[j][1] * 128));
                CHECK(e / 128 < 0.12, "picture %d face %d: a point of the aligned crop is %.3f of its side "
                      "from the frame", k, i, e / 128);
                if (pts_n < 64)
                    pts_dev[pts_n++] = e / 128;
                with_face++;
            }
            /* warped back over the face's box, against the same round trip
             * through a plain scaling (no rotation) at the same scale: the
             * resampling error alone; and through the inverse off by one
             * pixel, which must be clearly worse */
            const double es = round_error(&img, found[i].box, &to_model, &to_picture, 0);
            const double shifted = round_error(&img, found[i].box, &to_model, &to_picture, 1);
            gp_similarity plain = { { { scale, 0, 64 - scale * (found[i].box[0] + found[i].box[2] / 2) },
                                      { 0, scale, 64 - scale * (found[i].box[1] + found[i].box[3] / 2) } } },
                          plain_inv;
            gp_similarity_invert(&plain, &plain_inv);
            const double er = round_error(&img, found[i].box, &plain, &plain_inv, 0);
            printf("picture %d face %d: box %.0f px, scale to the model %.2f, round-trip error %.4f "
                   "(plain scaling %.4f, one pixel off %.4f)\n", k, i, (double)found[i].box[2], scale, es,
                   er, shifted);
            CHECK(es <= 1.25 * er + 0.004, "picture %d face %d: round trip differs by %.4f, plain scaling "
                  "%.4f", k, i, es, er);
            worst_ratio = fmax(worst_ratio, es / er);
            sum_err += es, sum_shift += shifted;
            faces_done++;
            gp_image_release(&crop);
            gp_image_release(&canvas);
        }
        free(img.data);
    }
    qsort(pts_dev, (size_t)pts_n, sizeof(double), cmp_double);
    printf("%d faces aligned, %d found again in their aligned crops; the farthest of a crop's five points "
           "from the frame: median %.3f, max %.3f of the side; round-trip error mean %.4f, one pixel off "
           "%.4f, worst ratio to a plain scaling's %.2f\n", faces_done, with_face,
           pts_n ? pts_dev[pts_n / 2] : 1.0, pts_n ? pts_dev[pts_n - 1] : 1.0, sum_err / faces_done,
           sum_shift / faces_done, worst_ratio);
    CHECK(faces_done >= 40, "only %d faces aligned", faces_done);
    CHECK(with_face >= faces_done * 9 / 10, "only %d of %d aligned crops hold a face", with_face, faces_done);
    CHECK(pts_n && pts_dev[pts_n / 2] < 0.05, "median farthest point %.3f", pts_n ? pts_dev[pts_n / 2] : 1.0);
    CHECK(sum_shift > 1.5 * sum_err, "one pixel off is not worse than the round trip");
}

int main(int argc, char **argv)
{
    synthetic();
    model_frames();
    if (argc >= 5 && ref_exists(argv[3]) && ref_exists(argv[4])) {
        gp_error err;
        gp_face_finder *f;
        gp_safetensors *pics;
        if (gp_face_finder_load(argv[1], argv[2], &f, &err) != GP_OK ||
            gp_safetensors_open(argv[3], &pics, &err) != GP_OK) {
            CHECK(0, "%s", err.message);
            return CHECK_DONE();
        }
        round_trip(f, pics);
        gp_safetensors_close(pics);
        gp_face_finder_free(f);
    } else {
        printf("composed pictures not found: the round trip on them skipped\n");
    }
    return CHECK_DONE();
}
