/* lapack.h — the LAPACK routines the engine calls, as OpenBLAS exports
 * them.
 *
 * Debian's libopenblas-dev ships LAPACK inside libopenblas but no
 * LAPACKE header (that is liblapacke-dev, not a build dependency), so
 * the Fortran entry points are declared here.  Fortran passes every
 * argument by reference and appends one hidden length per character
 * argument (gfortran: size_t), which the prototypes spell out.
 */
#ifndef GP_LAPACK_H
#define GP_LAPACK_H

#include <stddef.h>

/* Selected eigenvalues and eigenvectors of a symmetric matrix (MRRR).
 * Column-major; eigenvalues ascending; Z's column j is eigenvector j. */
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
             const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
             const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t range_len, size_t uplo_len);

#endif
