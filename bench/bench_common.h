/* bench_common.h — what every benchmark program measures with: medians of
 * repetitions, seeded random data, and the OpenBLAS sgemm rate that the
 * engine's rates are compared with. */
#ifndef GP_BENCH_COMMON_H
#define GP_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum { BENCH_REPS = 5 };

/* The median of v[0..n) (v is sorted in place). */
double bench_median(double *v, int n);
/* n N(0, 1) floats from seed (malloc'd; NULL when out of memory). */
float *bench_random(size_t n, uint64_t seed);
/* GFLOP/s of an n x n x n sgemm, the median of BENCH_REPS. */
double bench_sgemm_gflops(int n);

#endif
