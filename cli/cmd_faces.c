/* cmd_faces.c — `ganprior faces`: the faces in a picture, their boxes and
 * landmarks, as JSON on stdout. */
#include "cli.h"
#include "picture.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>

static void print_point(const char *name, const float p[2])
{
    printf("\"%s\":[%.2f,%.2f]", name, (double)p[0], (double)p[1]);
}

/* One face as one JSON object on one line. */
static void print_face(const gp_face *f)
{
    printf("{\"box\":[%.2f,%.2f,%.2f,%.2f],\"score\":%.4f,", (double)f->box[0], (double)f->box[1],
           (double)f->box[2], (double)f->box[3], (double)f->score);
    print_point("right_eye", f->eyes[0]); /* the person's right: the picture's left */
    putchar(',');
    print_point("left_eye", f->eyes[1]);
    putchar(',');
    print_point("nose", f->nose);
    putchar(',');
    print_point("mouth_right", f->mouth[0]);
    putchar(',');
    print_point("mouth_left", f->mouth[1]);
    printf(",\"landmarks\":[");
    for (int i = 0; i < 68; i++)
        printf("%s[%.2f,%.2f]", i ? "," : "", (double)f->landmarks[i][0], (double)f->landmarks[i][1]);
    printf("]}");
}

/* --frame: img is a mosaic of tile x tile crops (rows of them, left to
 * right); each crop, centred on a gray square twice its side, goes through
 * p and gets one line: its index and the best face's five points in unit
 * coordinates of the crop (0..1 of its side), or null when none is found.
 * What models/face_frame.py averages into a model's canonical points. */
static gp_status frame_mosaic(gp_face_finder *f, const gp_face_params *p, const gp_image *img,
                              int tile, gp_error *err)
{
    const int cols = img->width / tile, rows = img->height / tile, side = 2 * tile;
    gp_image canvas = { 0 };
    if (gp_image_alloc(&canvas, side, side, 3) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    gp_status s = GP_OK;
    for (int k = 0; k < cols * rows && s == GP_OK; k++) {
        const int tx = (k % cols) * tile, ty = (k / cols) * tile, o = tile / 2;
        for (size_t i = 0; i < (size_t)side * side * 3; i++)
            canvas.data[i] = 0.5f;
        for (int y = 0; y < tile; y++)
            for (int x = 0; x < tile * 3; x++)
                canvas.data[((size_t)(y + o) * side + o) * 3 + x] =
                    img->data[((size_t)(ty + y) * img->width + tx) * 3 + x];
        gp_face face;
        int n = 0;
        s = gp_faces_find(f, p, &canvas, &face, 1, &n, err);
        if (s != GP_OK)
            break;
        printf("{\"crop\":%d,\"points\":", k);
        if (!n) {
            printf("null}\n");
            continue;
        }
        const float *pts[5] = { face.eyes[0], face.eyes[1], face.nose, face.mouth[0], face.mouth[1] };
        for (int j = 0; j < 5; j++)
            printf("%s[%.5f,%.5f]", j ? "," : "[", (pts[j][0] - o) / (double)tile,
                   (pts[j][1] - o) / (double)tile);
        printf("]}\n");
    }
    gp_image_release(&canvas);
    return s;
}

/* gp_faces_find with a progress bar (a big photo takes seconds) and
 * Ctrl-C as cancel. */
static gp_status find_watched(gp_face_finder *f, gp_face_params *p, const gp_image *img,
                              gp_face *faces, int max, int *n, gp_error *err)
{
    progress bar;
    progress_start(&bar, "faces");
    p->progress = cli_progress;
    p->progress_user = &bar;
    gp_status s = gp_faces_find(f, p, img, faces, max, n, err);
    progress_finish(&bar);
    p->progress = NULL;
    return s;
}

int cmd_faces(int argc, char **argv)
{
    const char *input = NULL, *detector = NULL, *landmarks = NULL;
    gp_face_params p;
    gp_face_params_default(&p);
    int max = 100;
    bool single = false;
    int frame = 0;
    const arg_opt opts[] = {
        { .name = "input", .short_name = 'i', .kind = ARG_STRING, .value = &input, .required = true,
          .metavar = "IN.png", .help = "the picture" },
        { .name = "detector", .kind = ARG_STRING, .value = &detector, .metavar = "FILE",
          .help = "the face detector network", .default_text = "faceapi-detector.safetensors" },
        { .name = "landmarks", .kind = ARG_STRING, .value = &landmarks, .metavar = "FILE",
          .help = "the landmark network", .default_text = "faceapi-landmarks.safetensors" },
        { .name = "input-size", .kind = ARG_INT, .value = &p.input_size, .min = 64, .max = 1024,
          .metavar = "N", .help = "detector input side, a multiple of 32: larger finds smaller faces" },
        { .name = "threshold", .kind = ARG_FLOAT, .value = &p.score_threshold, .min = 0.01, .max = 0.99,
          .metavar = "S", .help = "lowest detector score kept" },
        { .name = "min-face", .kind = ARG_FLOAT, .value = &p.min_face, .min = 0, .max = 100000,
          .metavar = "PX", .help = "smallest face box looked for, in pixels (0: max(40, long side / 48))" },
        { .name = "single-pass", .kind = ARG_FLAG, .value = &single,
          .help = "face-api's one pass over the whole picture (no tiles): faster, misses small and tight faces" },
        { .name = "frame", .kind = ARG_INT, .value = &frame, .min = 16, .max = 4096, .metavar = "TILE",
          .help = "IN.png is a mosaic of TILE-px face crops: one JSON line per crop with its five\n"
                  "points in units of the crop (models/face_frame.py)" },
        { .name = "max", .kind = ARG_INT, .value = &max, .min = 1, .max = 10000, .metavar = "N",
          .help = "at most N faces, best first" },
    };
    const arg_command cmd = {
        .name = "faces", .synopsis = "-i IN.png [--detector FILE] [--landmarks FILE] [--input-size N] [--min-face PX]",
        .summary = "Finds the faces in a picture and prints one JSON object: the picture's\n"
                   "size, the seconds taken and \"faces\", one object per face (best first)\n"
                   "with its box [left, top, width, height] and score, the eye centres,\n"
                   "nose tip and mouth corners (right = the person's right, on the picture's\n"
                   "left) and the 68 iBUG landmarks, all in pixels of the picture.  The\n"
                   "networks are face-api's tiny face detector and 68-point tiny landmark net\n"
                   "(MIT), looked up like models.  The detector runs on the whole picture,\n"
                   "on the picture shrunk into the middle of its input (large tight faces)\n"
                   "and on overlapping tiles enlarged so faces down to --min-face show.",
        .opts = opts, .nopts = sizeof opts / sizeof opts[0],
    };
    arg_result r = args_parse(&cmd, argc, argv);
    if (r != ARGS_OK)
        return r;
    p.multiscale = !single;
    if (p.input_size % 32)
        return args_usage_error(&cmd, "--input-size must be a multiple of 32, not %d", p.input_size);
    gp_error err = { 0 };
    gp_image img = { 0 };
    gp_face_finder *f = NULL;
    gp_face *faces = malloc((size_t)max * sizeof *faces);
    int n = 0;
    double t0 = gp_clock_seconds(), seconds = 0;
    cli_catch_sigint();
    gp_status s = faces ? GP_OK : gp_fail(&err, GP_ERR_MEMORY, "out of memory");
    if (s == GP_OK)
        s = cli_picture_read(input, 3, &img, &err);
    if (s == GP_OK)
        s = gp_face_finder_load(detector, landmarks, &f, &err);
    if (s == GP_OK && frame) {
        s = frame_mosaic(f, &p, &img, frame, &err);
        frame = -1; /* done: nothing more to print */
    }
    if (s == GP_OK && frame == 0) {
        t0 = gp_clock_seconds();
        s = find_watched(f, &p, &img, faces, max, &n, &err);
        seconds = gp_clock_seconds() - t0;
    }
    if (s == GP_OK && frame == 0) {
        printf("{\"width\":%d,\"height\":%d,\"seconds\":%.3f,\"faces\":[", img.width, img.height, seconds);
        for (int i = 0; i < n; i++) {
            printf(i ? ",\n  " : "\n  ");
            print_face(&faces[i]);
        }
        printf("%s]}\n", n ? "\n" : "");
    }
    gp_face_finder_free(f);
    gp_image_release(&img);
    free(faces);
    return s == GP_OK ? 0 : cli_report(&err);
}
