/* limits.h — how large a model file may ask a network to be.
 *
 * A model file is untrusted input: a few hundred bytes of JSON can
 * describe a generator of 32768 x 32768 pixels or a layer of 10^13
 * weights.  The architecture reader (arch.c) checks every size it reads
 * against these limits before anything is allocated, and every feature
 * map's shape as the network is put together, so that the layers' own
 * shape arithmetic (2·h, h + 2·pad, (h − 1)·stride + k) always works on
 * numbers far from int's range.  The limits are far above any generator
 * the engine can invert in reasonable time (a 1024 px PGGAN's largest
 * map is 16 × 1024 × 1024 floats).
 */
#ifndef GP_LIMITS_H
#define GP_LIMITS_H

#include <stdint.h>

enum {
    GP_LIMIT_LAYERS = 4096,
    GP_LIMIT_SIDE = 8192,       /* height or width of any feature map */
    GP_LIMIT_CHANNELS = 65536,
    GP_LIMIT_KERNEL = 64,       /* convolution and pooling window side */
    GP_LIMIT_STRIDE = 64,
    GP_LIMIT_PAD = 1024,
};
/* Floats in one image's largest feature map (512 MB) and in all of them
 * (2 GB), and weights in the whole network (1 GB as float32). */
#define GP_LIMIT_MAP_FLOATS ((int64_t)1 << 27)
#define GP_LIMIT_ALL_FLOATS ((int64_t)1 << 29)
#define GP_LIMIT_PARAMS ((int64_t)1 << 28)

#endif
