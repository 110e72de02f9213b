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
 * symmetric positive definite wherever the hole meets known pixels). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* How far (pixels) the solved area reaches past the selected pixels. */
enum { GROW = 2 };
/* Relative residual at which the correction is exact to far below one
 * 16-bit level. */
#define TOLERANCE 1e-6

typedef struct membrane {
    int w, h;
    int *unknown;    /* [w*h]: index of the pixel's unknown, -1 if known */
    size_t n;        /* number of unknowns */
    int *pixel;      /* [n]: the pixel of each unknown */
    float *x, *r, *p, *ap; /* [n] each: the conjugate-gradient state */
} membrane;

/* The selection grown by GROW (a square structuring element), as 0/1. */
static unsigned char *grown_selection(const gp_image *cover)
{
    const int w = cover->width, h = cover->height;
    unsigned char *rows = calloc((size_t)w * h, 1), *out = calloc((size_t)w * h, 1);
    if (!rows || !out) {
        free(rows);
        free(out);
        return NULL;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int dx = -GROW; dx <= GROW; dx++)
                if (x + dx >= 0 && x + dx < w && cover->data[(size_t)y * w + x + dx] > 0.0f) {
                    rows[(size_t)y * w + x] = 1;
                    break;
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
    free(m->unknown);
    free(m->pixel);
    free(m->x);
    free(m->r);
    free(m->p);
    free(m->ap);
}

/* Numbers the unknowns: the grown selection. */
static bool membrane_init(membrane *m, const gp_image *cover)
{
    m->w = cover->width;
    m->h = cover->height;
    const size_t total = (size_t)m->w * m->h;
    unsigned char *solved = grown_selection(cover);
    m->unknown = malloc(total * sizeof *m->unknown);
    m->pixel = malloc(total * sizeof *m->pixel);
    if (!solved || !m->unknown || !m->pixel) {
        free(solved);
        return false;
    }
    m->n = 0;
    for (size_t i = 0; i < total; i++) {
        m->unknown[i] = solved[i] ? (int)m->n : -1;
        if (solved[i])
            m->pixel[m->n++] = (int)i;
    }
    free(solved);
    const size_t bytes = (m->n + 1) * sizeof(float);
    m->x = malloc(bytes);
    m->r = malloc(bytes);
    m->p = malloc(bytes);
    m->ap = malloc(bytes);
    return m->x && m->r && m->p && m->ap;
}

/* The in-region 4-neighbours of pixel i into nb; returns how many. */
static int neighbours(const membrane *m, int i, int nb[4])
{
    const int x = i % m->w, y = i / m->w;
    int count = 0;
    if (x > 0)
        nb[count++] = i - 1;
    if (x + 1 < m->w)
        nb[count++] = i + 1;
    if (y > 0)
        nb[count++] = i - m->w;
    if (y + 1 < m->h)
        nb[count++] = i + m->w;
    return count;
}

/* ap = A p, A the Laplacian over the unknowns (known neighbours moved to b). */
static void apply(const membrane *m, const float *p, float *ap)
{
    for (size_t k = 0; k < m->n; k++) {
        const int i = m->pixel[k];
        int nb[4];
        const int degree = neighbours(m, i, nb);
        float sum = 0.0f;
        for (int d = 0; d < degree; d++)
            if (m->unknown[nb[d]] >= 0)
                sum += p[m->unknown[nb[d]]];
        ap[k] = (float)degree * p[k] - sum;
    }
}

/* The right-hand side b, into r (the residual of x = 0): the known
 * neighbours' values of picture - fill, channel c.  Returns |b|^2. */
static double set_rhs(membrane *m, const gp_image *picture, const gp_image *fill, int c)
{
    double norm = 0.0;
    for (size_t k = 0; k < m->n; k++) {
        int nb[4];
        const int degree = neighbours(m, m->pixel[k], nb);
        float sum = 0.0f;
        for (int d = 0; d < degree; d++)
            if (m->unknown[nb[d]] < 0) {
                const size_t j = (size_t)nb[d] * 3 + c;
                sum += picture->data[j] - fill->data[j];
            }
        m->r[k] = sum;
        norm += (double)sum * sum;
    }
    return norm;
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* x = A^-1 b by conjugate gradients from x = 0, r holding b.  A hole
 * with no known neighbour at all has b = 0 there and keeps x = 0: the
 * plain fill. */
static void solve(membrane *m, double bnorm)
{
    memset(m->x, 0, m->n * sizeof(float));
    memcpy(m->p, m->r, m->n * sizeof(float));
    double rr = bnorm;
    const double stop = TOLERANCE * TOLERANCE * bnorm;
    const int limit = 10 * (m->w + m->h) + 100; /* CG needs O(diameter) steps here */
    for (int it = 0; it < limit && rr > stop; it++) {
        apply(m, m->p, m->ap);
        const double pap = dot(m->p, m->ap, m->n);
        if (pap <= 0.0)
            break;
        const float alpha = (float)(rr / pap);
        for (size_t k = 0; k < m->n; k++) {
            m->x[k] += alpha * m->p[k];
            m->r[k] -= alpha * m->ap[k];
        }
        const double next = dot(m->r, m->r, m->n);
        const float beta = (float)(next / rr);
        rr = next;
        for (size_t k = 0; k < m->n; k++)
            m->p[k] = m->r[k] + beta * m->p[k];
    }
}

gp_status gpb_merge_inpaint(gpb_pixels *px, const gp_image *cover, const gp_image *fill,
                            gp_error *err)
{
    membrane m = { 0 };
    if (!membrane_init(&m, cover)) {
        membrane_free(&m);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory merging the inpainted region");
    }
    for (int c = 0; c < 3; c++) {
        const double bnorm = set_rhs(&m, &px->rgb, fill, c);
        if (bnorm > 0.0)
            solve(&m, bnorm);
        else
            memset(m.x, 0, m.n * sizeof(float));
        for (size_t k = 0; k < m.n; k++) {
            const size_t i = (size_t)m.pixel[k];
            const float a = cover->data[i] > 1.0f ? 1.0f : cover->data[i];
            float *o = &px->rgb.data[i * 3 + c];
            if (a > 0.0f)
                *o += a * (fill->data[i * 3 + c] + m.x[k] - *o);
        }
    }
    membrane_free(&m);
    return GP_OK;
}
