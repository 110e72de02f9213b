/* test_face_nets.c — the converted face networks against face-api's own
 * code in TF.js (tests/faceapi_golden.mjs, CPU backend, float32) on
 * synthetic pictures, and the face finder's refusals and empty answers.
 *   test_face_nets DETECTOR LANDMARKS GOLDEN
 *
 * Tolerances: both sides compute in float32 with different summation
 * orders (OpenBLAS vs TF.js loops) through 7 layers; measured: 5e-5 on
 * grid values up to 75, 6e-8 on landmark outputs up to 0.9.  The grid and
 * raw landmark outputs must agree to 1e-3 absolute (20x the measured
 * worst); decoded boxes and points to 0.01 px, scores to 1e-4. */
#include "faces/detector.h"
#include "faces/input.h"
#include "faces/landmarks.h"
#include "reference.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The same integer pattern as faceapi_golden.mjs, as values / 255. */
static gp_image pattern(int w, int h, int seed)
{
    gp_image img = { 0 };
    gp_image_alloc(&img, w, h, 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                img.data[((size_t)y * w + x) * 3 + c] =
                    (float)((x * (c + 2) + y * (3 - c) + (x / 8) * (y / 8) * 13 + seed * 37) & 255) / 255.0f;
    return img;
}

static void check_detector(const gp_fa_detector *d, gp_face_finder *finder, gp_safetensors *gold,
                           const char *name, int w, int h, int seed, int size)
{
    char key[64];
    size_t count;
    int64_t dims[4];
    snprintf(key, sizeof key, "%s.grid", name);
    float *want = ref_tensor(gold, key, &count, dims);
    gp_image img = pattern(w, h, seed);
    float *in = malloc((size_t)3 * size * size * sizeof(float)), *grid = NULL;
    int g = 0, before;
    gp_error err;
    gp_fa_input(&img, 0, 0, w, h, false, size, gp_fa_detector_mean, in, &before);
    CHECK(gp_fa_detector_run(d, in, size, &grid, &g, &err) == GP_OK, "%s", err.message);
    if (want && grid) {
        CHECK(dims[0] == g && dims[1] == g && dims[2] == GP_FA_GRID_CH, "%s: grid %d", name, g);
        /* golden: NHWC [g, g, 25]; ours [25, g, g] */
        double m = 0, mag = 0;
        for (int i = 0; i < g * g; i++)
            for (int c = 0; c < GP_FA_GRID_CH; c++) {
                double v = grid[(size_t)c * g * g + i], r = want[(size_t)i * GP_FA_GRID_CH + c];
                m = fmax(m, fabs(v - r));
                mag = fmax(mag, fabs(r));
            }
        printf("%s: detector grid %dx%dx25, max |diff| %.3g (values up to %.3g)\n", name, g, g, m, mag);
        CHECK(m < 1e-3, "%s: detector grid differs by %g", name, m);
    }
    /* Decoding and suppression, then the public call, at the golden's 0.05. */
    snprintf(key, sizeof key, "%s.boxes", name);
    float *boxes = ref_tensor(gold, key, &count, dims);
    int nwant = boxes && boxes[0] >= -0.5f ? (int)dims[0] : 0;
    gp_fa_box got[4096];
    int n = grid ? gp_fa_nms(got, gp_fa_decode(grid, g, size, w, h, 0.05f, got, 4096), 0.4f) : -1;
    CHECK(n == nwant, "%s: %d boxes, face-api %d", name, n, nwant);
    gp_face faces[8];
    gp_face_params p;
    gp_face_params_default(&p);
    p.input_size = size;
    p.score_threshold = 0.05f;
    p.multiscale = false; /* face-api's own single pass, as the golden ran */
    int nf = -1;
    CHECK(gp_faces_find(finder, &p, &img, faces, 8, &nf, &err) == GP_OK, "%s", err.message);
    CHECK(nf == nwant, "%s: gp_faces_find %d faces, face-api %d", name, nf, nwant);
    for (int i = 0; i < n && i < nwant; i++) {
        const float *r = boxes + 5 * i, mine[5] = { got[i].x, got[i].y, got[i].w, got[i].h, got[i].score };
        double db = 0;
        for (int k = 0; k < 4; k++)
            db = fmax(db, fabs(mine[k] - r[k]));
        printf("%s: box %d (%.2f %.2f %.2f %.2f) score %.4f, face-api's differs by %.2g px, %.2g\n", name,
               i, mine[0], mine[1], mine[2], mine[3], mine[4], db, fabs(mine[4] - r[4]));
        CHECK(db < 0.01 && fabs(mine[4] - r[4]) < 1e-4, "%s: box %d differs", name, i);
        if (i < nf)
            CHECK(fabs(faces[i].box[0] - r[0]) < 0.01 && fabs(faces[i].score - r[4]) < 1e-4,
                  "%s: gp_faces_find's box %d differs", name, i);
    }
    free(want), free(boxes), free(in), free(grid);
    gp_image_release(&img);
}

static void check_landmarks(const gp_fa_landmarker *l, gp_face_finder *finder, gp_safetensors *gold,
                            const char *name, int w, int h, int seed)
{
    char key[64];
    size_t count;
    snprintf(key, sizeof key, "%s.raw", name);
    float *raw = ref_tensor(gold, key, &count, NULL);
    snprintf(key, sizeof key, "%s.relative", name);
    float *rel = ref_tensor(gold, key, &count, NULL);
    gp_image img = pattern(w, h, seed);
    const int s = GP_FA_LANDMARK_INPUT;
    float *in = malloc((size_t)3 * s * s * sizeof(float)), out[136];
    int before;
    gp_error err;
    gp_fa_input(&img, 0, 0, w, h, true, s, gp_fa_landmark_mean, in, &before);
    CHECK(gp_fa_landmarker_run(l, in, out, &err) == GP_OK, "%s", err.message);
    if (raw) {
        double m = max_abs_diff(out, raw, 136);
        printf("%s: landmark net raw output, max |diff| %.3g (values up to %.3g)\n", name, m, max_abs(raw, 136));
        CHECK(m < 1e-3, "%s: raw landmarks differ by %g", name, m);
    }
    /* Through the public call on the whole picture: face-api's relative
     * points times the picture's size. */
    gp_face face;
    const float box[4] = { 0, 0, (float)w, (float)h };
    CHECK(gp_face_landmarks(finder, &img, box, &face, &err) == GP_OK, "%s", err.message);
    if (rel) {
        double m = 0;
        for (int i = 0; i < 68; i++)
            m = fmax(m, fmax(fabs(face.landmarks[i][0] - rel[2 * i] * w),
                             fabs(face.landmarks[i][1] - rel[2 * i + 1] * h)));
        printf("%s: 68 points in pixels, max |diff| %.3g px\n", name, m);
        CHECK(m < 0.01, "%s: points differ by %g px", name, m);
        CHECK(fabs(face.nose[0] - rel[60] * w) < 0.01, "%s: nose is not point 30", name);
    }
    free(raw), free(rel), free(in);
    gp_image_release(&img);
}

/* Writes size bytes of src to path. */
static void write_bytes(const char *path, const void *src, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(src, 1, size, f);
        fclose(f);
    }
}

static void check_bad_files(const char *detector, const char *landmarks)
{
    gp_face_finder *f = NULL;
    gp_error err;
    /* The networks swapped: each is the wrong architecture. */
    CHECK(gp_face_finder_load(landmarks, detector, &f, &err) == GP_ERR_FORMAT && !f &&
              strstr(err.message, "faceapi-tiny-face-detector"),
          "swapped files: %s", err.message);
    printf("swapped files: %s\n", err.message);
    CHECK(gp_face_finder_load("/nonexistent/det.safetensors", landmarks, &f, &err) == GP_ERR_IO,
          "missing file: %s", err.message);
    /* Truncated detector, and one tensor of the wrong shape. */
    char dir[] = "/tmp/gp-facenets-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/det.safetensors", dir);
    FILE *in = fopen(detector, "rb");
    static unsigned char buf[1 << 20];
    size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;
    if (in)
        fclose(in);
    for (size_t cut = 7; cut < n; cut += n / 5) {
        write_bytes(path, buf, cut);
        gp_status s = gp_face_finder_load(path, landmarks, &f, &err);
        CHECK(s == GP_ERR_FORMAT && !f, "detector cut at %zu bytes: %s", cut, err.message);
    }
    float w[16 * 3 * 3 * 2] = { 0 };
    const gp_st_entry bad[] = { { "conv0.weight", 4, { 16, 3, 3, 2 }, w } };
    const char *meta[] = { "ganprior.arch", "faceapi-tiny-face-detector" };
    CHECK(gp_safetensors_write(path, bad, 1, meta, 1, &err) == GP_OK, "%s", err.message);
    CHECK(gp_face_finder_load(path, landmarks, &f, &err) == GP_ERR_FORMAT &&
              strstr(err.message, "conv0.weight"),
          "wrong shape: %s", err.message);
    printf("wrong shape: %s\n", err.message);
    unlink(path);
    rmdir(dir);
}

static void check_empty(gp_face_finder *f)
{
    gp_face faces[4];
    int n = -1;
    gp_error err;
    const int sizes[][2] = { { 1, 1 }, { 5, 3 }, { 2, 300 }, { 640, 480 } };
    for (int i = 0; i < 4; i++)
        for (int c = 1; c <= 3; c += 2)
            for (int v = 0; v < 2; v++) { /* black and white */
                gp_image img = { 0 };
                gp_image_alloc(&img, sizes[i][0], sizes[i][1], c);
                for (size_t k = 0; k < (size_t)img.width * img.height * c; k++)
                    img.data[k] = (float)v;
                CHECK(gp_faces_find(f, NULL, &img, faces, 4, &n, &err) == GP_OK && n == 0,
                      "%dx%d blank: %d faces (%s)", img.width, img.height, n, err.message);
                gp_image_release(&img);
            }
    gp_image none = { 0 };
    CHECK(gp_faces_find(f, NULL, &none, faces, 4, &n, &err) == GP_ERR_ARGUMENT, "empty image");
    gp_face_params p;
    gp_face_params_default(&p);
    p.input_size = 100;
    gp_image one = pattern(8, 8, 0);
    CHECK(gp_faces_find(f, &p, &one, faces, 4, &n, &err) == GP_ERR_ARGUMENT, "input size 100");
    const float out_box[4] = { 20, 20, 5, 5 };
    gp_face face;
    CHECK(gp_face_landmarks(f, &one, out_box, &face, &err) == GP_ERR_ARGUMENT, "box outside");
    gp_image_release(&one);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_face_nets DETECTOR LANDMARKS GOLDEN\n");
        return 2;
    }
    gp_error err;
    gp_fa_detector det;
    gp_fa_landmarker lm;
    gp_face_finder *finder = NULL;
    gp_safetensors *gold = NULL;
    CHECK(gp_fa_detector_load(argv[1], &det, &err) == GP_OK, "%s", err.message);
    CHECK(gp_fa_landmarker_load(argv[2], &lm, &err) == GP_OK, "%s", err.message);
    CHECK(gp_face_finder_load(argv[1], argv[2], &finder, &err) == GP_OK, "%s", err.message);
    CHECK(gp_safetensors_open(argv[3], &gold, &err) == GP_OK, "%s", err.message);
    if (check_failures)
        return CHECK_DONE();
    check_detector(&det, finder, gold, "det_a", 200, 150, 1, 416);
    check_detector(&det, finder, gold, "det_b", 120, 160, 2, 224);
    check_landmarks(&lm, finder, gold, "lm_a", 90, 120, 3);
    check_landmarks(&lm, finder, gold, "lm_b", 130, 100, 4);
    check_bad_files(argv[1], argv[2]);
    check_empty(finder);
    gp_safetensors_close(gold);
    gp_face_finder_free(finder);
    gp_fa_detector_release(&det);
    gp_fa_landmarker_release(&lm);
    return CHECK_DONE();
}
