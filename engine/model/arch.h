/* arch.h — building a network from its JSON architecture description
 * (models/README.md) and the tensors of a safetensors file. */
#ifndef GP_ARCH_H
#define GP_ARCH_H

#include "ganprior.h"
#include "nn/net.h"
#include "model/safetensors.h"

#include <json.h>

/* Builds the chain described by a "sequential" arch object, reading every
 * parameter from st (st may be NULL: parameters stay zero).  in is one
 * sample's input shape. */
gp_status gp_arch_build(json_object *layers, gp_shape in, gp_safetensors *st,
                        gp_net **out, gp_error *err);

/* Reads a "sequential" arch's "input": [c, h, w] as one sample's shape;
 * false when it is missing or out of range. */
bool gp_arch_input(json_object *arch, gp_shape *in);

/* Builds the network of a "sequential" file that is not a generator (a
 * discriminator, an encoder: `what` names it in messages, "a
 * discriminator"), checking that every tensor of st is used.  check
 * judges the input shape first, so a file made for another generator is
 * told apart from a broken one before any tensor is read. */
typedef gp_status (*gp_arch_input_check)(gp_shape in, const char *path, const void *ctx,
                                         gp_error *err);
gp_status gp_arch_load_sequential(gp_safetensors *st, const char *what, gp_arch_input_check check,
                                  const void *ctx, gp_net **out, gp_error *err);

/* Turns a "pggan" arch object into the equivalent "layers" array (new
 * reference, caller puts it), with tensor names in the genforce layout. */
json_object *gp_pggan_layers(json_object *arch, gp_shape *in, char *why,
                             size_t why_size);

#endif
