/* merge_inpaint.c — the generated fill, Poisson-cloned into the hole
 * (Pérez, Gangnet & Blake, "Poisson Image Editing", SIGGRAPH 2003).
 *
 * The generator's image is a good guess of the hole's content but not of
 * its exact brightness and colour at full resolution.  The merged pixels
 * are fill + h: they keep the fill's gradients, and the correction h is
 * harmonic (5-point Laplacian zero) over the hole while equal to
 * picture - fill on the known pixels around it, so the fill meets the
 * picture along the whole outline.  The solved area is the selection
 * grown by a few pixels, so that the outline runs over known pixels
 * rather than over the damaged ones a soft selection edge only half
 * covers.  The region's own border is a free (Neumann) edge: a hole
 * touching it simply keeps the fill's values there.  Finally the result
 * is blended in by the selection's value: pixels it does not cover are
 * never touched, and a feathered selection gives a feathered edge.
 *
 * GEGL's gegl:seamless-clone does the same through mean-value
 * coordinates, but in the GEGL releases Debian ships its outline check
 * reads past the end of its point array and kills the host on a plain
 * rectangular selection; the membrane is therefore solved here, by
 * conjugate gradients (the Laplacian restricted to the hole is
 * symmetric positive definite wherever the hole meets known pixels), the
 * three channels side by side since they share the matrix.  Everything
 * happens inside the selection's box grown by the solved margin and the
 * outline (gpb_inpaint_reach), so the fill is needed only there: on a big
 * photo a hole is a small part of the region around it. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* How far (pixels) the solved area reaches past the selected pixels. */
enum { GROW = 2 };
/* Relative residual at which the correction is exact to far below one
 * 16-bit level. */
#define TOLERANCE 1e-6

typedef float rgb3[3];

/* The hole's equations over the grid `at` (region coordinates).  The
 * arrays of n + 1 entries end in a zero that the missing neighbours of
 * nb point at, so the Laplacian needs no branch. */
typedef struct membrane {
    GeglRectangle at;      /* the grid, within the region */
    int region_w;          /* the region's width: its images' row length */
    size_t n;              /* number of unknowns */
    int *pixel;            /* [n]: grid index of each unknown */
    int (*nb)[4];          /* [n]: the unknowns next to each; n where known or outside */
    unsigned char *degree; /* [n]: neighbours inside the region */
    rgb3 *x, *r, *p, *ap;  /* [n + 1] each: the conjugate-gradient state */
} membrane;

static GeglRectangle grown_box(const gp_image *cover, int margin)
{
    int x0 = cover->width, y0 = cover->height, x1 = -1, y1 = -1;
    for (int y = 0; y < cover->height; y++)
        for (int x = 0; x < cover->width; x++)
            if (cover->data[(size_t)y * cover->width + x] > 0.0f) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
    if (x1 < 0)
        return (GeglRectangle){ 0, 0, 0, 0 };
    GeglRectangle box = { x0 - margin, y0 - margin, x1 - x0 + 1 + 2 * margin,
                          y1 - y0 + 1 + 2 * margin };
    gegl_rectangle_intersect(&box, &box, GEGL_RECTANGLE(0, 0, cover->width, cover->height));
    return box;
}

GeglRectangle gpb_inpaint_reach(const gp_image *cover)
{
    return grown_box(cover, GROW + 1); /* the solved pixels and the known ones around them */
}

/* The selection grown by GROW (a square structuring element) over the
 * grid, as 0/1. */
static unsigned char *grown_selection(const membrane *m, const gp_image *cover)
{
    const int w = m->at.width, h = m->at.height;
    unsigned char *rows = calloc((size_t)w * h, 1), *out = calloc((size_t)w * h, 1);
    if (!rows || !out) {
        free(rows);
        free(out);
        return NULL;
    }
    for (int y = 0; y < h; y++) {
        const float *c = cover->data + (size_t)(y + m->at.y) * m->region_w + m->at.x;
        for (int x = 0; x < w; x++)
            for (int dx = -GROW; dx <= GROW; dx++)
                if (x + dx >= 0 && x + dx < w && c[x + dx] > 0.0f) {
                    rows[(size_t)y * w + x] = 1;
                    break;
                }
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int dy = -GROW; dy <= GROW; dy++)
                if (y + dy >= 0 && y + dy < h && rows[(size_t)(y + dy) * w + x]) {
                    out[(size_t)y * w + x] = 1;
                    break;
                }
    free(rows);
    return out;
}

static void membrane_free(membrane *m)
{
    free(m->pixel);
    free(m->nb);
    free(m->degree);
    free(m->x);
    free(m->r);
    free(m->p);
    free(m->ap);
}

/* The grid index of each neighbour of grid pixel i inside the grid
 * (which the region's border bounds) into nb; returns how many. */
static int neighbours(const membrane *m, int i, int nb[4])
{
    const int w = m->at.width, x = i % w, y = i / w;
    int count = 0;
    if (x > 0)
        nb[count++] = i - 1;
    if (x + 1 < w)
        nb[count++] = i + 1;
    if (y > 0)
        nb[count++] = i - w;
    if (y + 1 < m->at.height)
        nb[count++] = i + w;
    return count;
}

/* Links each unknown to the unknowns next to it (unknown: grid index ->
 * unknown, -1 if known). */
static void link(membrane *m, const int *unknown)
{
    for (size_t k = 0; k < m->n; k++) {
        int nb[4];
        const int degree = neighbours(m, m->pixel[k], nb);
        m->degree[k] = (unsigned char)degree;
        for (int d = 0; d < 4; d++)
            m->nb[k][d] = d < degree && unknown[nb[d]] >= 0 ? unknown[nb[d]] : (int)m->n;
    }
}

/* Numbers the unknowns (the grown selection) and links them. */
static bool membrane_init(membrane *m, const gp_image *cover, const GeglRectangle *at)
{
    m->at = *at;
    m->region_w = cover->width;
    const size_t total = (size_t)at->width * at->height;
    unsigned char *solved = grown_selection(m, cover);
    int *unknown = malloc(total * sizeof *unknown);
    m->pixel = malloc(total * sizeof *m->pixel);
    bool ok = solved && unknown && m->pixel;
    for (size_t i = 0; ok && i < total; i++) {
        unknown[i] = solved[i] ? (int)m->n : -1;
        if (solved[i])
            m->pixel[m->n++] = (int)i;
    }
    const size_t count = m->n + 1;
    m->nb = ok ? malloc(count * sizeof *m->nb) : NULL;
    m->degree = ok ? malloc(count) : NULL;
    m->x = ok ? calloc(count, sizeof *m->x) : NULL;
    m->r = ok ? calloc(count, sizeof *m->r) : NULL;
    m->p = ok ? calloc(count, sizeof *m->p) : NULL;
    m->ap = ok ? calloc(count, sizeof *m->ap) : NULL;
    ok = m->nb && m->degree && m->x && m->r && m->p && m->ap;
    if (ok)
        link(m, unknown);
    free(solved);
    free(unknown);
    return ok;
}

/* The region index of grid index i. */
static size_t in_region(const membrane *m, int i)
{
    return (size_t)(i / m->at.width + m->at.y) * m->region_w + (size_t)(i % m->at.width + m->at.x);
}

/* ap = A p, A the Laplacian over the unknowns (known neighbours moved to b). */
static void apply(const membrane *m, const rgb3 *p, rgb3 *ap)
{
    for (size_t k = 0; k < m->n; k++) {
        const int *nb = m->nb[k];
        const float degree = (float)m->degree[k];
        for (int c = 0; c < 3; c++)
            ap[k][c] = degree * p[k][c] - (p[nb[0]][c] + p[nb[1]][c] + p[nb[2]][c] + p[nb[3]][c]);
    }
}

/* The right-hand side b, into r (the residual of x = 0): the known
 * neighbours' values of picture - fill; |b|^2 of each channel into norm. */
static void set_rhs(membrane *m, const gp_image *picture, const gp_image *fill, double norm[3])
{
    norm[0] = norm[1] = norm[2] = 0.0;
    for (size_t k = 0; k < m->n; k++) {
        int nb[4];
        const int degree = neighbours(m, m->pixel[k], nb);
        for (int d = 0; d < degree; d++)
            if (m->nb[k][d] == (int)m->n) { /* neighbour nb[d] is known */
                const float *pic = picture->data + in_region(m, nb[d]) * 3;
                const float *f = fill->data + (size_t)nb[d] * 3;
                for (int c = 0; c < 3; c++)
                    m->r[k][c] += pic[c] - f[c];
            }
        for (int c = 0; c < 3; c++)
            norm[c] += (double)m->r[k][c] * m->r[k][c];
    }
}

static void dot3(const rgb3 *a, const rgb3 *b, size_t n, double out[3])
{
    double s[3] = { 0.0, 0.0, 0.0 };
    for (size_t k = 0; k < n; k++)
        for (int c = 0; c < 3; c++)
            s[c] += (double)a[k][c] * b[k][c];
    memcpy(out, s, sizeof s);
}

/* One conjugate-gradient step of each channel still active. */
static void step(membrane *m, double rr[3], bool active[3])
{
    apply(m, m->p, m->ap);
    double pap[3], next[3];
    float alpha[3], beta[3];
    dot3(m->p, m->ap, m->n, pap);
    for (int c = 0; c < 3; c++) {
        active[c] = active[c] && pap[c] > 0.0;
        alpha[c] = active[c] ? (float)(rr[c] / pap[c]) : 0.0f;
    }
    for (size_t k = 0; k < m->n; k++)
        for (int c = 0; c < 3; c++) {
            m->x[k][c] += alpha[c] * m->p[k][c];
            m->r[k][c] -= alpha[c] * m->ap[k][c];
        }
    dot3(m->r, m->r, m->n, next);
    for (int c = 0; c < 3; c++) {
        beta[c] = active[c] ? (float)(next[c] / rr[c]) : 0.0f;
        rr[c] = active[c] ? next[c] : rr[c];
    }
    for (size_t k = 0; k < m->n; k++)
        for (int c = 0; c < 3; c++)
            m->p[k][c] = m->r[k][c] + beta[c] * m->p[k][c];
}

/* x = A^-1 b by conjugate gradients from x = 0, r holding b.  A hole
 * with no known neighbour at all has b = 0 there and keeps x = 0: the
 * plain fill. */
static void solve(membrane *m, const double bnorm[3])
{
    memcpy(m->p, m->r, m->n * sizeof *m->p);
    double rr[3];
    bool active[3];
    memcpy(rr, bnorm, sizeof rr);
    for (int c = 0; c < 3; c++)
        active[c] = bnorm[c] > 0.0;
    const int limit = 10 * (m->at.width + m->at.height) + 100; /* CG needs O(diameter) steps */
    for (int it = 0; it < limit; it++) {
        bool any = false;
        for (int c = 0; c < 3; c++) {
            active[c] = active[c] && rr[c] > TOLERANCE * TOLERANCE * bnorm[c];
            any = any || active[c];
        }
        if (!any)
            break;
        step(m, rr, active);
    }
}

gp_status gpb_merge_inpaint(gpb_pixels *px, const gp_image *cover, const gp_image *fill,
                            const GeglRectangle *at, gp_error *err)
{
    membrane m = { 0 };
    if (!membrane_init(&m, cover, at)) {
        membrane_free(&m);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory merging the inpainted region");
    }
    double bnorm[3];
    set_rhs(&m, &px->rgb, fill, bnorm);
    solve(&m, bnorm);
    for (size_t k = 0; k < m.n; k++) {
        const size_t i = in_region(&m, m.pixel[k]);
        const float a = cover->data[i] > 1.0f ? 1.0f : cover->data[i];
        float *o = &px->rgb.data[i * 3];
        const float *f = &fill->data[(size_t)m.pixel[k] * 3];
        for (int c = 0; a > 0.0f && c < 3; c++)
            o[c] += a * (f[c] + m.x[k][c] - o[c]);
    }
    membrane_free(&m);
    return GP_OK;
}
