/* net.c — layer chains and their activation traces. */
#include "nn/net.h"

#include <stdlib.h>
#include <string.h>

gp_net *gp_net_new(gp_shape in)
{
    gp_net *net = calloc(1, sizeof *net);
    if (net) {
        net->in = in;
        net->in.n = 1;
    }
    return net;
}

bool gp_net_append(gp_net *net, gp_layer *l, bool starts_block)
{
    if (!l)
        return false;
    gp_layer **ls = realloc(net->layers, (size_t)(net->count + 1) * sizeof *ls);
    if (!ls) {
        gp_layer_free(l);
        return false;
    }
    net->layers = ls;
    if (starts_block || net->count == 0) {
        int *bs = realloc(net->block_start, (size_t)(net->nblocks + 1) * sizeof *bs);
        if (!bs) {
            gp_layer_free(l);
            return false;
        }
        net->block_start = bs;
        net->block_start[net->nblocks++] = net->count;
    }
    net->layers[net->count++] = l;
    return true;
}

void gp_net_free(gp_net *net)
{
    if (!net)
        return;
    for (int i = 0; i < net->count; i++)
        gp_layer_free(net->layers[i]);
    free(net->layers);
    free(net->block_start);
    free(net);
}

int gp_net_block_layer(const gp_net *net, int b)
{
    return b >= net->nblocks ? net->count : net->block_start[b];
}

bool gp_net_shape_at(const gp_net *net, int to, int n, gp_shape *out)
{
    gp_shape s = net->in;
    s.n = n;
    for (int i = 0; i < to; i++)
        if (!gp_layer_out_shape(net->layers[i], s, &s))
            return false;
    *out = s;
    return true;
}

bool gp_net_enable_grads(gp_net *net, int from, int to, bool on)
{
    for (int i = from; i < to; i++)
        if (!gp_layer_enable_grads(net->layers[i], on))
            return false;
    return true;
}

void gp_net_zero_grads(gp_net *net, int from, int to)
{
    for (int i = from; i < to; i++)
        gp_layer_zero_grads(net->layers[i]);
}

struct gp_trace {
    const gp_net *net;
    int from, to;
    gp_shape *shapes;  /* to-from+1: input of each layer, then the output */
    float **acts;      /* same indexing */
    float *scratch;
    float *grad[2];    /* ping-pong gradient buffers */
    float *arena;
};

gp_trace *gp_trace_new(const gp_net *net, int from, int to, gp_shape in)
{
    if (from < 0 || to > net->count || from > to)
        return NULL;
    int len = to - from;
    gp_trace *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->net = net;
    t->from = from;
    t->to = to;
    t->shapes = calloc((size_t)len + 1, sizeof *t->shapes);
    t->acts = calloc((size_t)len + 1, sizeof *t->acts);
    if (!t->shapes || !t->acts)
        goto fail;
    size_t act_total = 0, max_act = 0, scratch = 0;
    t->shapes[0] = in;
    for (int i = 0; i <= len; i++) {
        if (i < len) {
            gp_layer *l = net->layers[from + i];
            if (!gp_layer_out_shape(l, t->shapes[i], &t->shapes[i + 1]) ||
                !gp_layer_prepare(l, t->shapes[i]))
                goto fail;
            size_t s = l->ops->scratch ? l->ops->scratch(l, t->shapes[i]) : 0;
            if (s > scratch)
                scratch = s;
        }
        size_t c = gp_shape_count(t->shapes[i]);
        act_total += c;
        if (c > max_act)
            max_act = c;
    }
    t->arena = malloc((act_total + 2 * max_act + scratch + 1) * sizeof(float));
    if (!t->arena)
        goto fail;
    float *p = t->arena;
    for (int i = 0; i <= len; i++) {
        t->acts[i] = p;
        p += gp_shape_count(t->shapes[i]);
    }
    t->grad[0] = p;
    t->grad[1] = p + max_act;
    t->scratch = p + 2 * max_act;
    memset(t->acts[0], 0, gp_shape_count(in) * sizeof(float));
    return t;
fail:
    gp_trace_free(t);
    return NULL;
}

void gp_trace_free(gp_trace *t)
{
    if (!t)
        return;
    free(t->shapes);
    free(t->acts);
    free(t->arena);
    free(t);
}

gp_shape gp_trace_in_shape(const gp_trace *t) { return t->shapes[0]; }
gp_shape gp_trace_out_shape(const gp_trace *t) { return t->shapes[t->to - t->from]; }
float *gp_trace_input(gp_trace *t) { return t->acts[0]; }
const float *gp_trace_output(const gp_trace *t) { return t->acts[t->to - t->from]; }

const float *gp_trace_forward(gp_trace *t)
{
    for (int i = 0; i < t->to - t->from; i++) {
        const gp_layer *l = t->net->layers[t->from + i];
        l->ops->forward(l, t->shapes[i], t->acts[i], t->acts[i + 1], t->scratch);
    }
    return gp_trace_output(t);
}

void gp_trace_backward(gp_trace *t, const float *dy, float *dx)
{
    const float *g = dy;
    int which = 0;
    for (int i = t->to - t->from - 1; i >= 0; i--) {
        const gp_layer *l = t->net->layers[t->from + i];
        float *out = i == 0 ? dx : t->grad[which];
        l->ops->backward(l, t->shapes[i], t->acts[i], t->acts[i + 1], g, out,
                         t->scratch);
        g = out;
        which ^= 1;
    }
    if (t->to == t->from && dx)
        memcpy(dx, dy, gp_shape_count(t->shapes[0]) * sizeof(float));
}
