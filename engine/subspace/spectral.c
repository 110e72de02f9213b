/* spectral.c — normalised spectral clustering (Ng, Jordan & Weiss,
 * NIPS 2001), the final step of subspace clustering in PmSFC (Li et al.,
 * AAAI 2021) and Deep Subspace Clustering (Ji et al., NIPS 2017).
 * The eigenvectors come from LAPACK's dsyevr (OpenBLAS), in double
 * precision: nearly equal eigenvalues are common in block-structured
 * affinities and float would mix their vectors. */
#include "subspace/spectral.h"

#include "core/error.h"
#include "subspace/kmeans.h"
#include "subspace/lapack.h"

#include <math.h>
#include <stdlib.h>

enum { KMEANS_TRIES = 10 };

/* D^-1/2 A D^-1/2 into m [n, n]; deg [n] is scratch.  A node without
 * edges keeps a zero row rather than a division by zero: k-means then
 * puts it with the group nearest the origin. */
static void normalise(const float *a, int n, double *m, double *deg)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++)
            s += a[(size_t)i * n + j];
        deg[i] = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            m[(size_t)i * n + j] = deg[i] * a[(size_t)i * n + j] * deg[j];
}

/* The eigenvectors of the k largest eigenvalues of m into u [n, k],
 * row-major; m is destroyed. */
static gp_status top_eigenvectors(double *m, int n, int k, double *u, gp_error *err)
{
    const int il = n - k + 1, iu = n;
    const double zero = 0.0;
    int found = 0, info = 0, lwork = -1, liwork = -1, iwq = 0;
    double wq = 0.0;
    double *w = malloc((size_t)n * sizeof(double)), *z = malloc((size_t)n * k * sizeof(double));
    int *isuppz = malloc((size_t)2 * k * sizeof(int));
    if (!w || !z || !isuppz) {
        free(w), free(z), free(isuppz);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the eigendecomposition");
    }
    dsyevr_("V", "I", "U", &n, m, &n, &zero, &zero, &il, &iu, &zero, &found, w, z, &n, isuppz,
            &wq, &lwork, &iwq, &liwork, &info, 1, 1, 1);
    lwork = (int)wq;
    liwork = iwq;
    double *work = malloc((size_t)lwork * sizeof(double));
    int *iwork = malloc((size_t)liwork * sizeof(int));
    gp_status s = GP_OK;
    if (info != 0 || !work || !iwork)
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory for the eigendecomposition");
    else {
        dsyevr_("V", "I", "U", &n, m, &n, &zero, &zero, &il, &iu, &zero, &found, w, z, &n,
                isuppz, work, &lwork, iwork, &liwork, &info, 1, 1, 1);
        if (info != 0 || found != k)
            s = gp_fail(err, GP_ERR_UNSUPPORTED, "the eigendecomposition failed (LAPACK dsyevr info %d)", info);
    }
    for (int i = 0; s == GP_OK && i < n; i++)
        for (int j = 0; j < k; j++)
            u[(size_t)i * k + j] = z[(size_t)j * n + i]; /* column-major to row-major */
    free(w), free(z), free(isuppz), free(work), free(iwork);
    return s;
}

static void unit_rows(double *u, int n, int k)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < k; j++)
            s += u[(size_t)i * k + j] * u[(size_t)i * k + j];
        s = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
        for (int j = 0; j < k; j++)
            u[(size_t)i * k + j] *= s;
    }
}

gp_status gp_spectral_cluster(const float *a, int n, int k, uint64_t seed, int *labels,
                              gp_error *err)
{
    if (n < 1 || k < 1 || k > n)
        return gp_fail(err, GP_ERR_ARGUMENT, "cannot split %d channels into %d subspaces", n, k);
    double *m = malloc((size_t)n * n * sizeof(double)), *u = malloc((size_t)n * k * sizeof(double));
    gp_status s = m && u ? GP_OK : gp_fail(err, GP_ERR_MEMORY, "out of memory for spectral clustering");
    if (s == GP_OK) {
        normalise(a, n, m, u); /* u (n*k >= n) is free until then */
        s = top_eigenvectors(m, n, k, u, err);
    }
    if (s == GP_OK) {
        unit_rows(u, n, k);
        if (gp_kmeans(u, n, k, k, KMEANS_TRIES, seed, labels) < 0.0)
            s = gp_fail(err, GP_ERR_MEMORY, "out of memory for k-means");
    }
    free(m);
    free(u);
    return s;
}
