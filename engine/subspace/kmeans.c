/* kmeans.c — k-means++ seeding, Lloyd's iterations, best of several
 * tries (Arthur & Vassilvitskii, "k-means++", SODA 2007). */
#include "subspace/kmeans.h"

#include "core/rng.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ROUNDS = 300 };

typedef struct km {
    const double *x;
    int n, d, k;
    double *centre; /* [k, d] */
    double *dist;   /* [n]: squared distance to the nearest centre */
    int *label, *count;
} km;

static double dist2(const double *a, const double *b, int d)
{
    double s = 0.0;
    for (int i = 0; i < d; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
}

/* k-means++: the first centre uniformly, each next one with probability
 * proportional to the squared distance to the nearest centre so far. */
static void seed_centres(km *s, gp_rng *rng)
{
    int first = (int)(gp_rng_uniform(rng) * s->n);
    memcpy(s->centre, s->x + (size_t)first * s->d, (size_t)s->d * sizeof(double));
    for (int i = 0; i < s->n; i++)
        s->dist[i] = dist2(s->x + (size_t)i * s->d, s->centre, s->d);
    for (int c = 1; c < s->k; c++) {
        double total = 0.0;
        for (int i = 0; i < s->n; i++)
            total += s->dist[i];
        double r = gp_rng_uniform(rng) * total;
        int pick = s->n - 1;
        for (int i = 0; i < s->n; i++) {
            r -= s->dist[i];
            if (r < 0.0 && s->dist[i] > 0.0) {
                pick = i;
                break;
            }
        }
        double *cc = s->centre + (size_t)c * s->d;
        memcpy(cc, s->x + (size_t)pick * s->d, (size_t)s->d * sizeof(double));
        for (int i = 0; i < s->n; i++) {
            double e = dist2(s->x + (size_t)i * s->d, cc, s->d);
            if (e < s->dist[i])
                s->dist[i] = e;
        }
    }
}

/* Nearest centre of every point; returns whether any label changed. */
static bool assign(km *s)
{
    bool changed = false;
    for (int i = 0; i < s->n; i++) {
        int best = 0;
        double bd = DBL_MAX;
        for (int c = 0; c < s->k; c++) {
            double e = dist2(s->x + (size_t)i * s->d, s->centre + (size_t)c * s->d, s->d);
            if (e < bd) {
                bd = e;
                best = c;
            }
        }
        s->dist[i] = bd;
        changed |= s->label[i] != best;
        s->label[i] = best;
    }
    return changed;
}

/* An empty cluster takes the point farthest from its centre, so k
 * groups always come out (a subspace without channels is no subspace). */
static void refill_empty(km *s)
{
    for (int c = 0; c < s->k; c++) {
        if (s->count[c])
            continue;
        int far = -1;
        for (int i = 0; i < s->n; i++)
            if (s->count[s->label[i]] > 1 && (far < 0 || s->dist[i] > s->dist[far]))
                far = i;
        if (far < 0)
            return;
        s->count[s->label[far]]--;
        s->count[c] = 1;
        s->label[far] = c;
        s->dist[far] = 0.0;
        memcpy(s->centre + (size_t)c * s->d, s->x + (size_t)far * s->d, (size_t)s->d * sizeof(double));
    }
}

static void update_centres(km *s)
{
    memset(s->centre, 0, (size_t)s->k * s->d * sizeof(double));
    memset(s->count, 0, (size_t)s->k * sizeof(int));
    for (int i = 0; i < s->n; i++) {
        double *cc = s->centre + (size_t)s->label[i] * s->d;
        for (int j = 0; j < s->d; j++)
            cc[j] += s->x[(size_t)i * s->d + j];
        s->count[s->label[i]]++;
    }
    for (int c = 0; c < s->k; c++)
        for (int j = 0; s->count[c] && j < s->d; j++)
            s->centre[(size_t)c * s->d + j] /= s->count[c];
    refill_empty(s);
}

static double lloyd(km *s, gp_rng *rng)
{
    seed_centres(s, rng);
    for (int i = 0; i < s->n; i++)
        s->label[i] = -1;
    for (int round = 0; round < MAX_ROUNDS && assign(s); round++)
        update_centres(s);
    double inertia = 0.0;
    for (int i = 0; i < s->n; i++)
        inertia += s->dist[i];
    return inertia;
}

/* Renumbers labels by first appearance: the same partition always
 * reads the same, whatever order the centres were found in. */
static void canonical(int *label, int n, int k, int *map)
{
    for (int c = 0; c < k; c++)
        map[c] = -1;
    int next = 0;
    for (int i = 0; i < n; i++) {
        if (map[label[i]] < 0)
            map[label[i]] = next++;
        label[i] = map[label[i]];
    }
}

double gp_kmeans(const double *x, int n, int d, int k, int tries, uint64_t seed, int *labels)
{
    km s = { x, n, d, k, malloc((size_t)k * d * sizeof(double)), malloc((size_t)n * sizeof(double)),
             malloc((size_t)n * sizeof(int)), malloc((size_t)k * sizeof(int)) };
    double best = -1.0;
    if (s.centre && s.dist && s.label && s.count) {
        gp_rng rng;
        gp_rng_seed(&rng, seed);
        for (int t = 0; t < (tries > 0 ? tries : 1); t++) {
            double inertia = lloyd(&s, &rng);
            if (best < 0.0 || inertia < best) {
                best = inertia;
                memcpy(labels, s.label, (size_t)n * sizeof(int));
            }
        }
        canonical(labels, n, k, s.count);
    }
    free(s.centre);
    free(s.dist);
    free(s.label);
    free(s.count);
    return best;
}
