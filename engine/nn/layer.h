/* layer.h — the interface every network layer implements.
 *
 * Tensors are dense float32 in NCHW order: [n, c, h, w], w fastest.
 * A layer maps one input tensor to one output tensor.  It keeps no
 * per-call state, so the caller (net.c) owns the activations and passes
 * them back to backward().  This lets one layer object serve a batch of
 * any size and several traces at once.
 *
 * Parameters live in gp_param records.  backward() adds its weight
 * gradient into param.grad when that pointer is non-NULL (generator
 * tuning allocates them); otherwise it skips that work entirely.
 *
 * The one thing a layer may keep between calls is data derived from its
 * weights (transformed kernels for a faster path: gp_derived below),
 * reserved by prepare() and rebuilt by forward/backward when the weight's
 * version moved.  So whoever writes a parameter's values after it has
 * been used (an optimiser step, a restore, a finite difference) MUST call
 * gp_param_changed() before the next forward; a layer must not run on two
 * threads at once.
 */
#ifndef GP_LAYER_H
#define GP_LAYER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gp_shape {
    int n, c, h, w;
} gp_shape;

static inline size_t gp_shape_count(gp_shape s)
{
    return (size_t)s.n * (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

static inline size_t gp_shape_plane(gp_shape s) /* c*h*w: one sample */
{
    return (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

#define GP_MAX_PARAMS 4

typedef struct gp_param {
    const char *role;  /* "weight", "bias", "mean", ... (static string) */
    float *value;
    float *grad;       /* NULL unless weight gradients are wanted */
    size_t count;
    int ndim;
    int dims[4];
    unsigned version;  /* moved by gp_param_changed() */
} gp_param;

/* Says value was written: derived kernels are rebuilt on the next call. */
static inline void gp_param_changed(gp_param *p) { p->version++; }

/* Kernels a layer derives from one of its parameters, kept between calls. */
typedef struct gp_derived {
    float *data;       /* NULL until reserved: the layer takes its plain path */
    size_t count;
    unsigned version;  /* of the parameter data was computed from */
    bool valid;
} gp_derived;

/* Allocates count floats once (a second call with the same count keeps
 * them); false out of memory. */
bool gp_derived_reserve(gp_derived *d, size_t count);
/* True when d must be (re)computed from p; marks it as computed from p's
 * current version, so the caller computes it right away. */
bool gp_derived_stale(gp_derived *d, const gp_param *p);
void gp_derived_release(gp_derived *d);

typedef struct gp_layer gp_layer;

typedef struct gp_layer_ops {
    const char *kind;
    /* Output shape for an input shape; returns false (and leaves *out
     * alone) when the input does not fit the layer. */
    bool (*out_shape)(const gp_layer *l, gp_shape in, gp_shape *out);
    /* Floats of scratch memory forward/backward need for this input. */
    size_t (*scratch)(const gp_layer *l, gp_shape in);
    /* x: [in], y: [out_shape(in)] */
    void (*forward)(const gp_layer *l, gp_shape in, const float *x,
                    float *y, float *scratch);
    /* dy: gradient at y.  dx: gradient at x, overwritten; NULL when the
     * caller does not need it (first layer).  Adds weight gradients into
     * param.grad where those are non-NULL. */
    void (*backward)(const gp_layer *l, gp_shape in, const float *x,
                     const float *y, const float *dy, float *dx,
                     float *scratch);
    void (*destroy)(gp_layer *l);
    /* Optional: reserves the derived kernels of the faster path this
     * input shape takes (gp_trace_new calls it for each layer and shape).
     * False out of memory.  A layer never prepared takes its plain path,
     * with the same numbers up to rounding. */
    bool (*prepare)(gp_layer *l, gp_shape in);
} gp_layer_ops;

struct gp_layer {
    const gp_layer_ops *ops;
    int nparams;
    gp_param params[GP_MAX_PARAMS];
};

/* Allocates a zeroed parameter array for p (count = product of dims). */
bool gp_param_init(gp_param *p, const char *role, int ndim, const int *dims);
void gp_param_release(gp_param *p);
/* params[0] = "weight" of wdims, then params[1] = "bias" [nbias] when
 * bias is true: the parameters of dense and convolution layers. */
bool gp_layer_init_weight_bias(gp_layer *l, int ndim, const int *wdims, int nbias,
                               bool bias);
/* Allocate (zeroed) or free the gradient buffers of every parameter. */
bool gp_layer_enable_grads(gp_layer *l, bool on);
void gp_layer_zero_grads(gp_layer *l);
void gp_layer_free(gp_layer *l);
/* Frees the parameters and the layer itself: a destroy() for layers
 * that own nothing besides their params. */
void gp_layer_destroy_plain(gp_layer *l);

/* Calls the layer's prepare() when it has one. */
bool gp_layer_prepare(gp_layer *l, gp_shape in);

static inline bool gp_layer_out_shape(const gp_layer *l, gp_shape in,
                                      gp_shape *out)
{
    return l->ops->out_shape(l, in, out);
}

#endif
