/* kmeans.h — k-means clustering of points in R^d (Lloyd's iterations,
 * k-means++ seeding: Arthur & Vassilvitskii, SODA 2007).
 *
 * Deterministic: every random choice comes from a gp_rng seeded by the
 * caller, ties go to the lowest index, and distances are summed in a
 * fixed order, so the same input and seed give the same labels. */
#ifndef GP_KMEANS_H
#define GP_KMEANS_H

#include <stdbool.h>
#include <stdint.h>

/* Clusters the n points x [n, d] into k (1 <= k <= n) groups, keeping
 * the best of `tries` seeded runs by inertia.  labels [n] gets 0..k-1,
 * renumbered in order of first appearance, every cluster non-empty.
 * Returns the inertia (sum of squared distances to the centres), or a
 * negative value when memory ran out. */
double gp_kmeans(const double *x, int n, int d, int k, int tries, uint64_t seed, int *labels);

#endif
