/* test_faces_find.c — face finding on composed photos with known truth
 * (tests/faces_composed.py: held-out faces pasted at known positions,
 * 40-400 px wide, rotated up to 20 degrees, 1-4 per picture).
 *   test_faces_find DETECTOR LANDMARKS PICTURES TRUTH   (77 = skipped
 *   when the pictures could not be made: no ../shared faces)
 *
 * Truth for the points: each face's own landmarks found on it alone (the
 * 128 px crop centred on a 256 px gray square), mapped through the known
 * transform.  A detection matches a face when its centre lies inside the
 * box of the face's mapped landmarks (each face matched once, best score
 * first); other detections are false positives.  Errors are in pixels of
 * the picture and relative to the inter-ocular distance (IOD).  Also: the
 * progress the finder reports, and stopping it. */
#include "ganprior.h"
#include "reference.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { MAX_TRUTH = 256, MAX_FOUND = 16 };

typedef struct truth_face {
    int pic;
    float pts[68][2];        /* in the picture */
    float eyes[2][2];
    float lo[2], hi[2];      /* box of pts */
    bool matched;
} truth_face;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The face's landmarks found on it alone, in crop coordinates. */
static bool alone(gp_face_finder *f, const float *crop, gp_face *out)
{
    gp_image canvas = { 0 };
    gp_image_alloc(&canvas, 256, 256, 3);
    for (size_t i = 0; i < (size_t)256 * 256 * 3; i++)
        canvas.data[i] = 0.5f;
    for (int y = 0; y < 128; y++)
        memcpy(canvas.data + ((size_t)(y + 64) * 256 + 64) * 3, crop + (size_t)y * 128 * 3,
               128 * 3 * sizeof(float));
    gp_face faces[4];
    int n = 0;
    gp_error err;
    bool found = gp_faces_find(f, NULL, &canvas, faces, 4, &n, &err) == GP_OK && n > 0;
    if (found) {
        *out = faces[0];
    } else {
        const float box[4] = { 64, 64, 128, 128 };
        CHECK(gp_face_landmarks(f, &canvas, box, out, &err) == GP_OK, "%s", err.message);
    }
    for (int i = 0; i < 68; i++)
        out->landmarks[i][0] -= 64, out->landmarks[i][1] -= 64;
    for (int e = 0; e < 2; e++)
        out->eyes[e][0] -= 64, out->eyes[e][1] -= 64;
    gp_image_release(&canvas);
    return found;
}

static void map(const float *m, const float q[2], float p[2])
{
    p[0] = m[0] * q[0] + m[1] * q[1] + m[4];
    p[1] = m[2] * q[0] + m[3] * q[1] + m[5];
}

typedef struct figures {
    int faces, found, false_pos, pictures;
    double eye_px[MAX_TRUTH], eye_iod[MAX_TRUTH], pts_px[MAX_TRUTH], pts_iod[MAX_TRUTH];
    double seconds, seconds_1000;
    int n_1000;
} figures;

static void run(gp_face_finder *f, gp_safetensors *pics, truth_face *truth, int ntruth, int npics,
                int input_size, bool multiscale, figures *fig)
{
    memset(fig, 0, sizeof *fig);
    gp_face_params p;
    gp_face_params_default(&p);
    p.input_size = input_size;
    p.multiscale = multiscale;
    for (int t = 0; t < ntruth; t++)
        truth[t].matched = false;
    for (int k = 0; k < npics; k++) {
        gp_image img;
        if (!ref_picture(pics, k, &img))
            continue;
        gp_face found[MAX_FOUND];
        int n = 0;
        gp_error err;
        double t0 = gp_clock_seconds();
        CHECK(gp_faces_find(f, &p, &img, found, MAX_FOUND, &n, &err) == GP_OK, "%s", err.message);
        double dt = gp_clock_seconds() - t0;
        fig->seconds += dt;
        if (img.width == 1000)
            fig->seconds_1000 += dt, fig->n_1000++;
        for (int i = 0; i < n; i++) {
            float cx = found[i].box[0] + found[i].box[2] / 2, cy = found[i].box[1] + found[i].box[3] / 2;
            int best = -1;
            for (int t = 0; t < ntruth && best < 0; t++)
                if (truth[t].pic == k && !truth[t].matched && cx >= truth[t].lo[0] && cx <= truth[t].hi[0] &&
                    cy >= truth[t].lo[1] && cy <= truth[t].hi[1])
                    best = t;
            if (best < 0) {
                fig->false_pos++;
                continue;
            }
            truth_face *tf = &truth[best];
            tf->matched = true;
            double iod = hypot(tf->eyes[1][0] - tf->eyes[0][0], tf->eyes[1][1] - tf->eyes[0][1]);
            double e = 0, s = 0;
            for (int j = 0; j < 2; j++)
                e += hypot(found[i].eyes[j][0] - tf->eyes[j][0], found[i].eyes[j][1] - tf->eyes[j][1]) / 2;
            for (int j = 0; j < 68; j++)
                s += hypot(found[i].landmarks[j][0] - tf->pts[j][0], found[i].landmarks[j][1] - tf->pts[j][1]) / 68;
            fig->eye_px[fig->found] = e;
            fig->eye_iod[fig->found] = e / iod;
            fig->pts_px[fig->found] = s;
            fig->pts_iod[fig->found] = s / iod;
            fig->found++;
        }
        fig->pictures++;
        free(img.data);
    }
    fig->faces = ntruth;
    for (int t = 0; t < ntruth; t++)
        if (!truth[t].matched) {
            float w = truth[t].hi[0] - truth[t].lo[0];
            printf("  input %d%s: missed the face in picture %d at (%.0f, %.0f), landmarks %.0f px wide\n",
                   input_size, multiscale ? " multiscale" : "", truth[t].pic, truth[t].lo[0], truth[t].lo[1], w);
        }
}

/* Progress: counts the calls, checks they count up to a fixed total,
 * and says stop after `stop_at` runs (0: never). */
typedef struct counter {
    int calls, total, stop_at;
    bool in_order;
} counter;

static bool count_runs(void *user, int done, int total, float loss)
{
    counter *c = user;
    c->in_order = c->in_order && done == c->calls + 1 && (c->calls == 0 || total == c->total) &&
                  isnan(loss);
    c->calls++;
    c->total = total;
    return c->stop_at == 0 || c->calls < c->stop_at;
}

/* The finder reports each detector run on picture 0 (8 runs: the whole
 * picture, the picture small, a level of tiles), the last as run `total`,
 * and finds the same faces with progress as without; told to stop after
 * the third run, it stops there with GP_ERR_CANCELLED and no faces. */
static void progress_and_stop(gp_face_finder *f, gp_safetensors *pics)
{
    gp_image img;
    if (!ref_picture(pics, 0, &img))
        return;
    gp_face_params p;
    gp_face_params_default(&p);
    gp_face plain[MAX_FOUND], watched[MAX_FOUND];
    int n_plain = 0, n_watched = -1;
    gp_error err;
    CHECK(gp_faces_find(f, &p, &img, plain, MAX_FOUND, &n_plain, &err) == GP_OK, "%s",
          err.message);
    counter c = { .in_order = true };
    p.progress = count_runs;
    p.progress_user = &c;
    CHECK(gp_faces_find(f, &p, &img, watched, MAX_FOUND, &n_watched, &err) == GP_OK, "%s",
          err.message);
    CHECK(c.in_order && c.calls == c.total && c.total > 3,
          "progress: %d calls, last total %d, %s (want 1..total of total, more than 3)", c.calls,
          c.total, c.in_order ? "in order" : "out of order");
    CHECK(n_watched == n_plain && !memcmp(watched, plain, sizeof plain[0] * (size_t)n_plain),
          "with progress %d faces, without %d (or different ones)", n_watched, n_plain);
    c = (counter){ .in_order = true, .stop_at = 3 };
    n_watched = -1;
    const gp_status s = gp_faces_find(f, &p, &img, watched, MAX_FOUND, &n_watched, &err);
    CHECK(s == GP_ERR_CANCELLED && n_watched == 0 && c.calls == 3,
          "stopped after run 3: status %d, %d faces, %d runs", (int)s, n_watched, c.calls);
    free(img.data);
}

static void report(const char *label, figures *fig)
{
    qsort(fig->eye_px, (size_t)fig->found, sizeof(double), cmp_double);
    qsort(fig->eye_iod, (size_t)fig->found, sizeof(double), cmp_double);
    qsort(fig->pts_iod, (size_t)fig->found, sizeof(double), cmp_double);
    qsort(fig->pts_px, (size_t)fig->found, sizeof(double), cmp_double);
    int m = fig->found;
    printf("%s: recall %d/%d = %.3f, false positives %d in %d pictures; eye-centre error median "
           "%.2f px (%.3f IOD), 90th pct %.2f px (%.3f IOD), max %.2f px; 68-point mean error median "
           "%.2f px (%.3f IOD); %.3f s per picture, %.3f s per 1000x750 picture\n",
           label, m, fig->faces, (double)m / fig->faces, fig->false_pos, fig->pictures,
           m ? fig->eye_px[m / 2] : 0, m ? fig->eye_iod[m / 2] : 0, m ? fig->eye_px[m * 9 / 10] : 0,
           m ? fig->eye_iod[m * 9 / 10] : 0, m ? fig->eye_px[m - 1] : 0, m ? fig->pts_px[m / 2] : 0,
           m ? fig->pts_iod[m / 2] : 0, fig->seconds / (fig->pictures ? fig->pictures : 1),
           fig->n_1000 ? fig->seconds_1000 / fig->n_1000 : 0);
}

int main(int argc, char **argv)
{
    if (argc < 5 || !ref_exists(argv[3]) || !ref_exists(argv[4])) {
        printf("skipped: composed pictures not found (needs ../shared/data/faces128 and numpy)\n");
        return SKIP;
    }
    gp_error err;
    gp_face_finder *f;
    gp_safetensors *pics, *tr;
    if (gp_face_finder_load(argv[1], argv[2], &f, &err) != GP_OK ||
        gp_safetensors_open(argv[3], &pics, &err) != GP_OK ||
        gp_safetensors_open(argv[4], &tr, &err) != GP_OK) {
        CHECK(0, "%s", err.message);
        return CHECK_DONE();
    }
    size_t count, nf;
    int64_t dims[4], fdims[4];
    float *t = ref_tensor(tr, "truth", &count, dims);
    float *crops = ref_tensor(pics, "faces", &nf, fdims);
    static truth_face truth[MAX_TRUTH];
    int ntruth = t && crops ? (int)dims[0] : 0, npics = 0, alone_found = 0;
    if (ntruth > MAX_TRUTH)
        ntruth = MAX_TRUTH;
    for (int i = 0; i < ntruth; i++) {
        const float *row = t + 8 * i;
        gp_face a;
        alone_found += alone(f, crops + (size_t)row[1] * 128 * 128 * 3, &a);
        truth_face *tf = &truth[i];
        tf->pic = (int)row[0];
        npics = tf->pic + 1 > npics ? tf->pic + 1 : npics;
        tf->lo[0] = tf->lo[1] = 1e9f;
        tf->hi[0] = tf->hi[1] = -1e9f;
        for (int j = 0; j < 68; j++) {
            map(row + 2, a.landmarks[j], tf->pts[j]);
            for (int c = 0; c < 2; c++) {
                tf->lo[c] = fminf(tf->lo[c], tf->pts[j][c]);
                tf->hi[c] = fmaxf(tf->hi[c], tf->pts[j][c]);
            }
        }
        for (int e = 0; e < 2; e++)
            map(row + 2, a.eyes[e], tf->eyes[e]);
    }
    printf("%d faces in %d pictures; found alone (truth from the detector's box): %d\n", ntruth, npics,
           alone_found);
    progress_and_stop(f, pics);
    figures fig;
    run(f, pics, truth, ntruth, npics, 416, true, &fig);
    report("multiscale, input 416 (default)", &fig);
    /* Measured: recall 46/47 (the one miss is also missed by every single
     * pass), no false positives, median eye error 0.026-0.028 IOD, 90th
     * percentile 0.048-0.049 IOD, in 14 detector runs per 1000x750 picture
     * (the whole picture, the picture small, 12 tiles at 1.2x). */
    CHECK((double)fig.found / ntruth >= 0.90, "recall %d/%d", fig.found, ntruth);
    CHECK(fig.false_pos <= 2, "%d false positives", fig.false_pos);
    CHECK(fig.found && fig.eye_iod[fig.found / 2] < 0.05, "median eye error %.3f IOD",
          fig.found ? fig.eye_iod[fig.found / 2] : 0);
    CHECK(fig.found && fig.eye_iod[fig.found * 9 / 10] < 0.10, "90th pct eye error %.3f IOD",
          fig.found ? fig.eye_iod[fig.found * 9 / 10] : 0);
    /* face-api's single pass: measured on this set (20 pictures, 47 faces)
     * recall 24/47 at 416 and 36/47 at 608 (the tiny detector misses faces
     * under ~input_size/12 of the long side, and some large tight crops
     * without hair or chin), no false positives, median eye error
     * 0.024-0.026 IOD, 90th percentile 0.054-0.056 IOD. */
    run(f, pics, truth, ntruth, npics, 416, false, &fig);
    report("single pass, input 416", &fig);
    CHECK((double)fig.found / ntruth >= 0.45, "single-pass recall %d/%d", fig.found, ntruth);
    CHECK(fig.false_pos <= 2, "%d false positives in a single pass", fig.false_pos);
    run(f, pics, truth, ntruth, npics, 608, false, &fig);
    report("single pass, input 608", &fig);
    CHECK((double)fig.found / ntruth >= 0.70, "recall at 608: %d/%d", fig.found, ntruth);
    CHECK(fig.false_pos <= 2, "%d false positives at 608", fig.false_pos);
    CHECK(fig.found && fig.eye_iod[fig.found * 9 / 10] < 0.10, "90th pct eye error at 608");
    free(t), free(crops);
    gp_safetensors_close(pics);
    gp_safetensors_close(tr);
    gp_face_finder_free(f);
    return CHECK_DONE();
}
