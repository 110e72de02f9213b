/* rng.h — a small deterministic random generator (xoshiro256**).
 * Every random draw in the engine goes through one of these, seeded
 * from the caller's seed, so a run is reproducible bit for bit on the
 * same build. */
#ifndef GP_RNG_H
#define GP_RNG_H

#include <stdint.h>

typedef struct gp_rng {
    uint64_t s[4];
} gp_rng;

void gp_rng_seed(gp_rng *r, uint64_t seed);
uint64_t gp_rng_next(gp_rng *r);
/* Uniform in [0, 1). */
double gp_rng_uniform(gp_rng *r);
/* Standard normal (Box-Muller). */
float gp_rng_normal(gp_rng *r);

#endif
