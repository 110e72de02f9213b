/* finder.c — gp_face_finder: the detector, then the landmark net on each
 * box (ganprior.h, "faces"). */
#include "faces/detector.h"
#include "faces/input.h"
#include "faces/landmarks.h"
#include "faces/scan.h"
#include "core/error.h"
#include "model/find.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct gp_face_finder {
    gp_fa_detector detector;
    gp_fa_landmarker landmarker;
};

void gp_face_params_default(gp_face_params *p)
{
    *p = (gp_face_params){ .input_size = 416, .score_threshold = 0.5f, .iou_threshold = 0.4f,
                           .multiscale = true, .min_face = 0.0f };
}

static gp_status locate(const char *given, const char *name, char *buf, size_t size,
                        gp_error *err)
{
    return gp_model_find(given && *given ? given : name, buf, size, err);
}

gp_status gp_face_finder_load(const char *detector, const char *landmarks, gp_face_finder **out,
                              gp_error *err)
{
    *out = NULL;
    char path[PATH_MAX];
    gp_face_finder *f = calloc(1, sizeof *f);
    if (!f)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    gp_status s = locate(detector, "faceapi-detector.safetensors", path, sizeof path, err);
    if (s == GP_OK)
        s = gp_fa_detector_load(path, &f->detector, err);
    if (s == GP_OK)
        s = locate(landmarks, "faceapi-landmarks.safetensors", path, sizeof path, err);
    if (s == GP_OK && (s = gp_fa_landmarker_load(path, &f->landmarker, err)) != GP_OK)
        gp_fa_detector_release(&f->detector);
    if (s != GP_OK) {
        free(f);
        return s;
    }
    *out = f;
    gp_ok(err);
    return GP_OK;
}

void gp_face_finder_free(gp_face_finder *f)
{
    if (!f)
        return;
    gp_fa_detector_release(&f->detector);
    gp_fa_landmarker_release(&f->landmarker);
    free(f);
}

static gp_status check_image(const gp_image *img, gp_error *err)
{
    if (!img || !img->data || img->width <= 0 || img->height <= 0 ||
        (img->channels != 1 && img->channels != 3))
        return gp_fail(err, GP_ERR_ARGUMENT, "the picture must be a non-empty RGB or gray image");
    if ((long long)img->width * img->height > GP_PICTURE_MAX_PIXELS)
        return gp_fail(err, GP_ERR_ARGUMENT, "the picture is larger than %lld pixels",
                       GP_PICTURE_MAX_PIXELS);
    return GP_OK;
}

gp_status gp_face_landmarks(gp_face_finder *f, const gp_image *img, const float box[4],
                            gp_face *face, gp_error *err)
{
    gp_status s = check_image(img, err);
    if (s != GP_OK)
        return s;
    /* face-api's Box.clipAtImageBorders, then floor */
    double x = fmax(box[0], 0.0), y = fmax(box[1], 0.0);
    double w = fmin(box[0] + box[2] - x, img->width - x), h = fmin(box[1] + box[3] - y, img->height - y);
    if (!(w >= 1.0 && h >= 1.0) || !isfinite(x + y + w + h))
        return gp_fail(err, GP_ERR_ARGUMENT, "the face box (%g, %g, %g, %g) is outside the picture",
                       (double)box[0], (double)box[1], (double)box[2], (double)box[3]);
    const int rx = (int)x, ry = (int)y, rw = (int)w, rh = (int)h;
    const int size = GP_FA_LANDMARK_INPUT;
    float *in = malloc((size_t)3 * size * size * sizeof(float)), rel[136];
    if (!in)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    int before;
    gp_fa_input(img, rx, ry, rw, rh, true, size, gp_fa_landmark_mean, in, &before);
    s = gp_fa_landmarker_run(&f->landmarker, in, rel, err);
    free(in);
    if (s != GP_OK)
        return s;
    face->box[0] = (float)rx;
    face->box[1] = (float)ry;
    face->box[2] = (float)rw;
    face->box[3] = (float)rh;
    face->score = 1.0f;
    gp_fa_landmarks_to_picture(rel, rw, rh, rx, ry, face->landmarks);
    gp_fa_five_points(face);
    gp_ok(err);
    return GP_OK;
}

gp_status gp_faces_find(gp_face_finder *f, const gp_face_params *p, const gp_image *img,
                        gp_face *faces, int max, int *n, gp_error *err)
{
    *n = 0;
    gp_face_params d;
    if (!p) {
        gp_face_params_default(&d);
        p = &d;
    }
    gp_status s = check_image(img, err);
    if (s != GP_OK)
        return s;
    if (p->input_size < 64 || p->input_size > 1024 || p->input_size % 32)
        return gp_fail(err, GP_ERR_ARGUMENT, "input size %d is not a multiple of 32 in 64..1024",
                       p->input_size);
    if (!(p->score_threshold > 0.0f && p->score_threshold < 1.0f) ||
        !(p->iou_threshold > 0.0f && p->iou_threshold <= 1.0f))
        return gp_fail(err, GP_ERR_ARGUMENT, "score threshold must be in (0, 1), IoU in (0, 1]");
    if (max < 0 || (max > 0 && !faces))
        return gp_fail(err, GP_ERR_ARGUMENT, "no room for the faces");
    if (!(p->min_face >= 0.0f))
        return gp_fail(err, GP_ERR_ARGUMENT, "the smallest face size must be >= 0 px");
    gp_fa_boxes cand = { 0 };
    s = gp_fa_scan(&f->detector, p, img, &cand, NULL, err);
    const int count = s == GP_OK ? gp_fa_nms(cand.box, cand.n, p->iou_threshold) : 0;
    gp_fa_box *boxes = cand.box;
    for (int i = 0; i < count && *n < max && s == GP_OK; i++) {
        const float box[4] = { boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h };
        gp_face *face = &faces[*n];
        gp_error skip;
        gp_status r = gp_face_landmarks(f, img, box, face, &skip);
        if (r == GP_ERR_ARGUMENT)
            continue; /* a box wholly outside the picture, or under a pixel */
        if ((s = r) != GP_OK) {
            if (err)
                *err = skip;
            break;
        }
        memcpy(face->box, box, sizeof face->box);
        face->score = boxes[i].score;
        (*n)++;
    }
    gp_fa_boxes_release(&cand);
    if (s != GP_OK) {
        *n = 0;
        return s;
    }
    gp_ok(err);
    return GP_OK;
}
