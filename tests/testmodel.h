/* testmodel.h — small random generators written as real model files, so
 * tests exercise the same loading path as users' models. */
#ifndef GP_TESTMODEL_H
#define GP_TESTMODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Writes a PGGAN of the given resolution/latent size/channel schedule
 * (log2(res)-1 entries) with N(0,1) weights and N(0,0.1) biases, as the
 * genforce layout would hold them. */
bool testmodel_write_pggan(const char *path, int res, int latent,
                           const int *channels, uint64_t seed);

/* The same generator as a bare network.  smooth drops the LeakyReLUs,
 * for finite-difference checks of plumbing that kinks would blur.
 * *layers (if non-NULL) receives the layer list (json_object_put it). */
struct gp_net;
struct json_object;
struct gp_net *testmodel_pggan_net(int res, int latent, const int *channels,
                                   uint64_t seed, bool smooth,
                                   struct json_object **layers,
                                   struct json_object **arch);

/* A temporary directory for the test's files (removed by the OS). */
const char *testmodel_tmpdir(void);

#endif
