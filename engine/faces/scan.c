/* scan.c — the tiny face detector over a picture at several scales.
 *
 * The detector sees a square of input_size px and finds faces from about
 * SMALLEST to a little over half its input (face-api's anchors reach
 * 10.7 cells of 32 px); faces of a tight crop that fills the picture, and
 * faces under input_size/12 of the picture's long side, it misses.  So
 * besides the picture brought to the input (area-averaged, not sampled,
 * when shrinking) one pass shows the picture centred at 1/PAD of the
 * input, and levels of overlapping tiles show it larger: each level's
 * tiles overlap by a third of their side, so a face up to that size lies
 * whole in the tile whose core (the tile less half the overlap on inner
 * sides; the cores partition the picture) holds its centre, and only
 * boxes centred in their tile's core are kept.  Levels run from
 * min_face up until the whole-picture pass takes over.  The same scheme
 * as sliding-window pyramids generally (e.g. Viola & Jones 2004; "SAHI",
 * Akyon et al. 2022, for tiles with a detector of fixed input). */
#include "faces/scan.h"
#include "faces/input.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The smallest face box (input px) the detector finds reliably. */
static const double SMALLEST = 48.0;
/* The padded pass: the picture's long side is 1/PAD of the input. */
static const double PAD = 1.6;
/* Tiles never enlarge the picture more than this. */
static const double MAX_ZOOM = 3.0;

void gp_fa_boxes_release(gp_fa_boxes *b)
{
    free(b->box);
    *b = (gp_fa_boxes){ 0 };
}

/* One detector run: the picture rectangle r (x, y, w, h) at tw x th in
 * the input at (ox, oy), black around it; boxes centred in the core
 * (x0, y0, x1, y1, picture px) are appended. */
typedef struct pass {
    int r[4], tw, th, ox, oy;
    double core[4];
} pass;

/* The canvas (RGB, black) with the pass's rectangle resampled into it:
 * area-averaged when shrinking, so a big picture reaches the detector
 * without aliasing.  False when out of memory. */
static bool place(const gp_image *img, const pass *ps, gp_image *canvas)
{
    gp_image part = { 0 };
    if (gp_image_resample_part(img, ps->r, ps->tw, ps->th, 0, ps->th, &part, NULL) != GP_OK)
        return false;
    const int ch = img->channels;
    memset(canvas->data, 0, sizeof(float) * 3 * (size_t)canvas->width * canvas->height);
    for (int y = 0; y < ps->th; y++) {
        const float *s = part.data + (size_t)y * ps->tw * ch;
        float *d = canvas->data + ((size_t)(ps->oy + y) * canvas->width + ps->ox) * 3;
        for (int x = 0; x < ps->tw; x++)
            for (int c = 0; c < 3; c++)
                d[(size_t)x * 3 + c] = s[(size_t)x * ch + (ch == 1 ? 0 : c)];
    }
    gp_image_release(&part);
    return true;
}

static gp_status run_pass(const gp_fa_detector *d, const gp_face_params *p, const gp_image *img,
                          const pass *ps, gp_image *canvas, float *x, gp_fa_boxes *out,
                          gp_error *err)
{
    const int size = p->input_size;
    if (!place(img, ps, canvas))
        return gp_fail(err, GP_ERR_MEMORY, "out of memory resizing for the face detector");
    int before, g = 0;
    gp_fa_input(canvas, 0, 0, size, size, false, size, gp_fa_detector_mean, x, &before);
    float *grid = NULL;
    gp_status s = gp_fa_detector_run(d, x, size, &grid, &g, err);
    if (s != GP_OK)
        return s;
    const int max = g * g * GP_FA_ANCHORS;
    if (out->n + max > out->cap) {
        int cap = out->cap * 2 > out->n + max ? out->cap * 2 : out->n + max;
        gp_fa_box *b = realloc(out->box, sizeof *b * (size_t)cap);
        if (!b) {
            free(grid);
            return gp_fail(err, GP_ERR_MEMORY, "out of memory for face candidates");
        }
        out->box = b, out->cap = cap;
    }
    gp_fa_box *b = out->box + out->n;
    int n = gp_fa_decode(grid, g, size, size, size, p->score_threshold, b, max);
    free(grid);
    const double sx = (double)ps->r[2] / ps->tw, sy = (double)ps->r[3] / ps->th;
    for (int i = 0; i < n; i++) {
        gp_fa_box q = b[i];
        q.x = (float)((q.x - ps->ox) * sx + ps->r[0]);
        q.y = (float)((q.y - ps->oy) * sy + ps->r[1]);
        q.w = (float)(q.w * sx);
        q.h = (float)(q.h * sy);
        const double cx = q.x + q.w / 2.0, cy = q.y + q.h / 2.0;
        if (cx >= ps->core[0] && cx < ps->core[2] && cy >= ps->core[1] && cy < ps->core[3])
            out->box[out->n++] = q;
    }
    return GP_OK;
}

/* Tile starts along an axis of length len: n tiles of side t overlapping
 * by at least o, spread evenly; core bounds lo[i], hi[i]. */
static int tiles(int len, int t, int o, int *start, double *lo, double *hi, int max)
{
    int n = len <= t ? 1 : (int)ceil((double)(len - o) / (t - o));
    if (n > max)
        n = max;
    for (int i = 0; i < n; i++)
        start[i] = n == 1 ? 0 : (int)lround((double)i * (len - t) / (n - 1));
    for (int i = 0; i < n; i++) {
        lo[i] = i == 0 ? 0.0 : (start[i] + start[i - 1] + t) / 2.0;
        hi[i] = i == n - 1 ? (double)len : (start[i + 1] + start[i] + t) / 2.0;
    }
    return n;
}

enum { MAX_TILES = 256 };

/* A growing list of the passes to make. */
typedef struct plan {
    pass *pass;
    int n, cap;
} plan;

static bool plan_add(plan *pl, const pass *ps)
{
    if (pl->n == pl->cap) {
        const int cap = pl->cap ? 2 * pl->cap : 16;
        pass *grown = realloc(pl->pass, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        pl->pass = grown, pl->cap = cap;
    }
    pl->pass[pl->n++] = *ps;
    return true;
}

/* The multi-scale scan's passes, in order: the whole picture, the
 * picture small in the middle, then tile levels, smallest faces first,
 * until the whole pass finds them.  Planned before any runs, so that
 * progress can say how many there are. */
static bool plan_scan(const gp_face_params *p, int w, int h, plan *pl)
{
    const int size = p->input_size, lng = w > h ? w : h;
    const double s0 = (double)size / lng;
    bool ok = true;
    for (int k = 0; k < 2 && ok; k++) {
        const double sc = k ? s0 / PAD : s0;
        pass ps = { { 0, 0, w, h }, (int)fmax(1, lround(w * sc)), (int)fmax(1, lround(h * sc)), 0, 0,
                    { 0, 0, w, h } };
        ps.tw = ps.tw > size ? size : ps.tw;
        ps.th = ps.th > size ? size : ps.th;
        if (k)
            ps.ox = (size - ps.tw) / 2, ps.oy = (size - ps.th) / 2;
        ok = plan_add(pl, &ps);
    }
    const double need = SMALLEST / s0;
    double lo = p->min_face > 0 ? p->min_face : fmax(40.0, lng / 48.0);
    while (ok && lo < 0.9 * need) { /* a sliver of sizes is not worth a level */
        const double sc = fmin(SMALLEST / lo, MAX_ZOOM);
        const int t = (int)floor(size / sc), o = t / 3;
        int sx[MAX_TILES], sy[MAX_TILES];
        double lx[MAX_TILES], hx[MAX_TILES], ly[MAX_TILES], hy[MAX_TILES];
        const int nx = tiles(w, t, o, sx, lx, hx, MAX_TILES);
        const int ny = tiles(h, t, o, sy, ly, hy, MAX_TILES);
        const int rw = t < w ? t : w, rh = t < h ? t : h;
        for (int j = 0; j < ny && ok; j++)
            for (int i = 0; i < nx && ok; i++) {
                pass ps = { { sx[i], sy[j], rw, rh }, (int)fmin(size, lround(rw * sc)),
                            (int)fmin(size, lround(rh * sc)), 0, 0, { lx[i], ly[j], hx[i], hy[j] } };
                ok = plan_add(pl, &ps);
            }
        lo = fmax(o, lo * 1.5);
    }
    return ok;
}

/* face-api's own pass: the picture padded after to a square, TensorFlow's
 * bilinear resize. */
static gp_status single_pass(const gp_fa_detector *d, const gp_face_params *p,
                             const gp_image *img, float *x, gp_fa_boxes *out, gp_error *err)
{
    const int size = p->input_size;
    int before, g = 0;
    float *grid = NULL;
    gp_fa_input(img, 0, 0, img->width, img->height, false, size, gp_fa_detector_mean, x, &before);
    gp_status s = gp_fa_detector_run(d, x, size, &grid, &g, err);
    const int max = g * g * GP_FA_ANCHORS;
    if (s == GP_OK && !(out->box = malloc(sizeof *out->box * (size_t)max)))
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory for face candidates");
    if (s == GP_OK) {
        out->cap = max;
        out->n = gp_fa_decode(grid, g, size, img->width, img->height, p->score_threshold,
                              out->box, max);
    }
    free(grid);
    return s;
}

/* After run `done` of `total`: the caller's progress, which may cancel. */
static gp_status report(const gp_face_params *p, int done, int total, gp_error *err)
{
    if (p->progress && !p->progress(p->progress_user, done, total, NAN))
        return gp_fail(err, GP_ERR_CANCELLED, "cancelled while finding faces");
    return GP_OK;
}

gp_status gp_fa_scan(const gp_fa_detector *d, const gp_face_params *p, const gp_image *img,
                     gp_fa_boxes *out, int *passes, gp_error *err)
{
    const int size = p->input_size;
    int runs = 0;
    gp_image canvas = { 0 };
    plan pl = { 0 };
    float *x = malloc(sizeof(float) * 3 * (size_t)size * size);
    gp_status s = x && gp_image_alloc(&canvas, size, size, 3) == GP_OK &&
                          (!p->multiscale || plan_scan(p, img->width, img->height, &pl))
                      ? GP_OK
                      : gp_fail(err, GP_ERR_MEMORY, "out of memory for the face detector");
    if (s == GP_OK && !p->multiscale) {
        s = single_pass(d, p, img, x, out, err);
        runs = 1;
        if (s == GP_OK)
            s = report(p, 1, 1, err);
    }
    for (int i = 0; i < pl.n && s == GP_OK; i++) {
        s = run_pass(d, p, img, &pl.pass[i], &canvas, x, out, err);
        runs++;
        if (s == GP_OK)
            s = report(p, runs, pl.n, err);
    }
    free(pl.pass);
    free(x);
    gp_image_release(&canvas);
    if (passes)
        *passes = runs;
    if (s != GP_OK)
        gp_fa_boxes_release(out);
    return s;
}
