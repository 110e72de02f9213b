/* spectral.h — spectral clustering of a graph given by its affinity
 * matrix (Ng, Jordan & Weiss, "On spectral clustering", NIPS 2001). */
#ifndef GP_SPECTRAL_H
#define GP_SPECTRAL_H

#include "ganprior.h"

/* Splits the n nodes of the symmetric, non-negative affinity a [n, n]
 * into k groups (1 <= k <= n): the top k eigenvectors of
 * D^-1/2 A D^-1/2, rows scaled to unit length, then k-means (10 seeded
 * k-means++ tries).  labels [n] gets 0..k-1 numbered by first
 * appearance; the same input and seed give the same labels. */
gp_status gp_spectral_cluster(const float *a, int n, int k, uint64_t seed, int *labels,
                              gp_error *err);

#endif
