/* fire.c — SqueezeNet fire module:
 *
 *   s = relu(squeeze1x1(x))                 [n, sq, h, w]
 *   y = concat_c(relu(expand1x1(s)),        [n, e1, h, w]
 *                relu(expand3x3(s)))        [n, e3, h, w]   (pad 1)
 *   [n, cin, h, w] -> [n, e1+e3, h, w]
 *
 * The three convolutions are ordinary conv2d layers owned by this one;
 * their params are reached through gp_fire_part(), so the fire layer
 * itself has none (enable grads on the parts).  Backward recomputes s
 * from x, since layers keep no per-call state; the ReLU masks of the
 * expand branches come from y.
 *
 * Scratch, in floats, one region after another (px = n*h*w):
 *   s [px*sq] | t [px*max(e1,e3)] | ds [px*sq] | ds3 [px*sq] | inner
 * t holds one branch at a time: its output in forward, its masked
 * gradient in backward.  ds/ds3 (backward only) are the gradients at s
 * from the two branches; inner is the scratch of the conv being run.
 */
#include "nn/layer_kinds.h"

#include <stdlib.h>
#include <string.h>

enum { SQUEEZE, EXPAND1, EXPAND3, NPARTS };

typedef struct fire {
    gp_layer base;
    int cin, sq, e1, e3;
    gp_layer *part[NPARTS];
} fire;

typedef struct fire_buf {
    float *s, *t, *ds, *ds3, *inner;
} fire_buf;

static gp_shape with_c(gp_shape s, int c)
{
    s.c = c;
    return s;
}

static int max_branch(const fire *f) { return f->e1 > f->e3 ? f->e1 : f->e3; }

static fire_buf split_scratch(const fire *f, gp_shape in, float *scratch)
{
    const size_t px = (size_t)in.n * in.h * in.w;
    fire_buf b;
    b.s = scratch;
    b.t = b.s + px * f->sq;
    b.ds = b.t + px * max_branch(f);
    b.ds3 = b.ds + px * f->sq;
    b.inner = b.ds3 + px * f->sq;
    return b;
}

static bool fire_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    const fire *f = (const fire *)l;
    if (in.c != f->cin || in.h <= 0 || in.w <= 0)
        return false;
    *out = with_c(in, f->e1 + f->e3);
    return true;
}

static size_t fire_scratch(const gp_layer *l, gp_shape in)
{
    const fire *f = (const fire *)l;
    const size_t px = (size_t)in.n * in.h * in.w;
    size_t inner = 0;
    for (int i = 0; i < NPARTS; i++) {
        const gp_layer *p = f->part[i];
        size_t t = p->ops->scratch(p, i == SQUEEZE ? in : with_c(in, f->sq));
        if (t > inner)
            inner = t;
    }
    return px * (3 * (size_t)f->sq + max_branch(f)) + inner;
}

static void relu_inplace(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(v[i] > 0.0f))
            v[i] = 0.0f;
}

static void part_forward(const fire *f, int part, gp_shape in, const float *x,
                         float *y, float *inner)
{
    const gp_layer *p = f->part[part];
    p->ops->forward(p, in, x, y, inner);
}

/* s = relu(squeeze(x)), shared by forward and backward. */
static void squeeze_forward(const fire *f, gp_shape in, const float *x,
                            const fire_buf *b)
{
    part_forward(f, SQUEEZE, in, x, b->s, b->inner);
    relu_inplace(b->s, (size_t)in.n * in.h * in.w * f->sq);
}

/* Channels [c0, c0+c) of y [n, ct, hw] = relu(branch [n, c, hw]). */
static void concat_relu(int n, int c, int c0, int ct, size_t hw,
                        const float *branch, float *y)
{
    const size_t len = (size_t)c * hw;
    for (int s = 0; s < n; s++) {
        const float *bp = branch + s * len;
        float *yp = y + ((size_t)s * ct + c0) * hw;
        for (size_t i = 0; i < len; i++)
            yp[i] = bp[i] > 0.0f ? bp[i] : 0.0f;
    }
}

static void fire_forward(const gp_layer *l, gp_shape in, const float *x,
                         float *y, float *scratch)
{
    const fire *f = (const fire *)l;
    const fire_buf b = split_scratch(f, in, scratch);
    const size_t hw = (size_t)in.h * in.w;
    const gp_shape s = with_c(in, f->sq);
    const int ct = f->e1 + f->e3;
    squeeze_forward(f, in, x, &b);
    part_forward(f, EXPAND1, s, b.s, b.t, b.inner);
    concat_relu(in.n, f->e1, 0, ct, hw, b.t, y);
    part_forward(f, EXPAND3, s, b.s, b.t, b.inner);
    concat_relu(in.n, f->e3, f->e1, ct, hw, b.t, y);
}

/* g [n, c, hw] = dy where y > 0, else 0, over channels [c0, c0+c) of
 * the concat: the ReLU backward of one branch, split out of it. */
static void branch_grad(int n, int c, int c0, int ct, size_t hw, const float *y,
                        const float *dy, float *g)
{
    const size_t len = (size_t)c * hw;
    for (int s = 0; s < n; s++) {
        const size_t off = ((size_t)s * ct + c0) * hw;
        float *d = g + s * len;
        for (size_t i = 0; i < len; i++)
            d[i] = y[off + i] > 0.0f ? dy[off + i] : 0.0f;
    }
}

static bool wants_param_grads(const gp_layer *p)
{
    for (int i = 0; i < p->nparams; i++)
        if (p->params[i].grad)
            return true;
    return false;
}

/* conv2d's backward does not read its output, and the pre-ReLU outputs
 * are not kept, so y is passed as NULL to the inner convs. */
static void part_backward(const fire *f, int part, gp_shape in, const float *x,
                          const float *dy, float *dx, float *inner)
{
    const gp_layer *p = f->part[part];
    p->ops->backward(p, in, x, NULL, dy, dx, inner);
}

static void fire_backward(const gp_layer *l, gp_shape in, const float *x,
                          const float *y, const float *dy, float *dx,
                          float *scratch)
{
    const fire *f = (const fire *)l;
    const fire_buf b = split_scratch(f, in, scratch);
    const size_t hw = (size_t)in.h * in.w, ns = (size_t)in.n * hw * f->sq;
    const gp_shape s = with_c(in, f->sq);
    const int ct = f->e1 + f->e3;
    /* the squeeze conv needs ds only for dx or its own weight grads */
    const bool need_ds = dx || wants_param_grads(f->part[SQUEEZE]);
    squeeze_forward(f, in, x, &b);
    branch_grad(in.n, f->e1, 0, ct, hw, y, dy, b.t);
    part_backward(f, EXPAND1, s, b.s, b.t, need_ds ? b.ds : NULL, b.inner);
    branch_grad(in.n, f->e3, f->e1, ct, hw, y, dy, b.t);
    part_backward(f, EXPAND3, s, b.s, b.t, need_ds ? b.ds3 : NULL, b.inner);
    if (!need_ds)
        return;
    /* sum the branches, then the squeeze ReLU: s > 0 iff its input was */
    for (size_t i = 0; i < ns; i++)
        b.ds[i] = b.s[i] > 0.0f ? b.ds[i] + b.ds3[i] : 0.0f;
    part_backward(f, SQUEEZE, in, x, b.ds, dx, b.inner);
}

static void fire_destroy(gp_layer *l)
{
    fire *f = (fire *)l;
    for (int i = 0; i < NPARTS; i++)
        gp_layer_free(f->part[i]);
    gp_layer_destroy_plain(l);
}

static bool fire_prepare(gp_layer *l, gp_shape in)
{
    fire *f = (fire *)l;
    for (int i = 0; i < NPARTS; i++)
        if (!gp_layer_prepare(f->part[i], i == SQUEEZE ? in : with_c(in, f->sq)))
            return false;
    return true;
}

static const gp_layer_ops fire_ops = {
    "fire", fire_out_shape, fire_scratch, fire_forward, fire_backward,
    fire_destroy, fire_prepare,
};

gp_layer *gp_fire_new(int cin, int squeeze, int e1, int e3)
{
    if (cin <= 0 || squeeze <= 0 || e1 <= 0 || e3 <= 0)
        return NULL;
    fire *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    *f = (fire){ .base.ops = &fire_ops, .cin = cin, .sq = squeeze, .e1 = e1,
                 .e3 = e3 };
    f->part[SQUEEZE] = gp_conv2d_new(cin, squeeze, 1, 1, 0, true);
    f->part[EXPAND1] = gp_conv2d_new(squeeze, e1, 1, 1, 0, true);
    f->part[EXPAND3] = gp_conv2d_new(squeeze, e3, 3, 1, 1, true);
    for (int i = 0; i < NPARTS; i++)
        if (!f->part[i]) {
            fire_destroy(&f->base);
            return NULL;
        }
    return &f->base;
}

gp_layer *gp_fire_part(gp_layer *l, int part)
{
    if (!l || l->ops != &fire_ops || part < 0 || part >= NPARTS)
        return NULL;
    return ((fire *)l)->part[part];
}
