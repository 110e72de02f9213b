/* bench_common.c — see bench_common.h. */
#include "bench_common.h"

#include "ganprior.h"
#include "core/rng.h"

#include <cblas.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

float *bench_random(size_t n, uint64_t seed)
{
    gp_rng r;
    gp_rng_seed(&r, seed);
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; x && i < n; i++)
        x[i] = gp_rng_normal(&r);
    return x;
}

double bench_sgemm_gflops(int n)
{
    float *a = bench_random((size_t)n * n, 1), *b = bench_random((size_t)n * n, 2);
    float *c = calloc((size_t)n * n, sizeof(float));
    double t[BENCH_REPS];
    for (int rep = 0; rep < BENCH_REPS; rep++) {
        double t0 = gp_clock_seconds();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t[rep] = gp_clock_seconds() - t0;
    }
    free(a);
    free(b);
    free(c);
    return 2.0 * n * (double)n * n / bench_median(t, BENCH_REPS) / 1e9;
}
