/* parallel.h — the engine's few loops that run on several threads.
 *
 * gp_parallel(width, fn, ctx) calls fn(ctx, part, parts) for every part
 * of 0..parts-1, part 0 on the caller's thread and the others on a
 * small pool of workers that sleep between jobs (no spinning, so they
 * never take a core from OpenBLAS's threads or from the host).  parts
 * is width, or 1 when another call is using the pool (two models in
 * two threads) or a worker cannot be started: fn must give the same
 * result for any number of parts, which a split into independent,
 * fixed ranges does (gp_parallel_range). */
#ifndef GP_CORE_PARALLEL_H
#define GP_CORE_PARALLEL_H

#include <stddef.h>

typedef void (*gp_parallel_fn)(void *ctx, int part, int parts);

void gp_parallel(int width, gp_parallel_fn fn, void *ctx);

/* [*begin, *end) of n items for part of parts, in order and contiguous. */
void gp_parallel_range(size_t n, int part, int parts, size_t *begin, size_t *end);

#endif
