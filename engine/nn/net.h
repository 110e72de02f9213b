/* net.h — a network as a chain of layers, and traces that run it.
 *
 * Layers are grouped into blocks (a PGGAN "layerK", a DCGAN stage) so an
 * inversion can split the generator "at block l": G1 = blocks < l,
 * G2 = the rest.  A trace owns the activations of a contiguous range of
 * layers for one batch shape, allocated once, so an optimisation loop
 * runs forward and backward thousands of times without allocating.
 */
#ifndef GP_NET_H
#define GP_NET_H

#include "nn/layer.h"

typedef struct gp_net {
    gp_layer **layers;
    int count;
    int *block_start;  /* first layer of each block; nblocks entries */
    int nblocks;
    gp_shape in;       /* one sample's input; n = 1 */
} gp_net;

gp_net *gp_net_new(gp_shape in);
/* Takes ownership of l (frees it on failure).  starts_block opens a new
 * block at l; the first layer always opens block 0. */
bool gp_net_append(gp_net *net, gp_layer *l, bool starts_block);
void gp_net_free(gp_net *net);
/* Index of the first layer of block b; b == nblocks gives count. */
int gp_net_block_layer(const gp_net *net, int b);
/* Output shape of layers [0, to) for a batch of n; false if a layer
 * rejects its input. */
bool gp_net_shape_at(const gp_net *net, int to, int n, gp_shape *out);
/* net_fuse.c: replaces each upsample2 + 3x3 conv pair inside a block by
 * one gp_upconv2d layer (same numbers, fewer FLOPs). */
void gp_net_fuse_upconv(gp_net *net);
bool gp_net_enable_grads(gp_net *net, int from, int to, bool on);
void gp_net_zero_grads(gp_net *net, int from, int to);

typedef struct gp_trace gp_trace;

/* Activations for layers [from, to) run on input shape in; prepares
 * each layer for the shape it sees (layer.h).  NULL out of memory. */
gp_trace *gp_trace_new(const gp_net *net, int from, int to, gp_shape in);
void gp_trace_free(gp_trace *t);
gp_shape gp_trace_in_shape(const gp_trace *t);
gp_shape gp_trace_out_shape(const gp_trace *t);
/* The input buffer: fill it, then run forward. */
float *gp_trace_input(gp_trace *t);
/* Runs every layer; returns the output (owned by the trace). */
const float *gp_trace_forward(gp_trace *t);
const float *gp_trace_output(const gp_trace *t);
/* Back-propagates dy (at the output) to dx (at the input, may be NULL),
 * adding weight gradients where the layers have them enabled.  Uses the
 * activations of the last forward. */
void gp_trace_backward(gp_trace *t, const float *dy, float *dx);

#endif
