/* perceptual.c — SqueezeNet v1.1 feature loss (Iandola et al. 2016,
 * arXiv:1602.07360), used in place of the VGG16 features of mGANprior.
 * Input convention of the Caffe/Keras weights: BGR, 0..255, minus the
 * ImageNet mean. */
#include "loss/perceptual.h"
#include "model/arch.h"
#include "core/error.h"
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAPS 8

static const float caffe_mean_bgr[3] = { 103.939f, 116.779f, 123.68f };

struct gp_perceptual {
    gp_net *net;
    int ntaps;
    int taps[MAX_TAPS];           /* feature = output of layer taps[t] */
    gp_trace *seg[MAX_TAPS];      /* segment t: layers (taps[t-1], taps[t]] */
    float *target[MAX_TAPS];      /* phi_t(y) */
    float norm[MAX_TAPS];         /* 1 / (count * mean|phi_t(y)|) */
    float *grad[2];               /* backward ping-pong at tap outputs */
    float *pre;                   /* preprocessed input */
    int h, w;
    float lo, hi;
};

static gp_status read_taps(gp_perceptual *p, json_object *arch, const char *path, gp_error *err)
{
    json_object *jt;
    if (!json_object_object_get_ex(arch, "taps", &jt) || !json_object_is_type(jt, json_type_array) ||
        json_object_array_length(jt) == 0 || json_object_array_length(jt) > MAX_TAPS)
        return gp_fail(err, GP_ERR_FORMAT, "%s: perceptual network needs 1..%d \"taps\"", path, MAX_TAPS);
    p->ntaps = (int)json_object_array_length(jt);
    for (int t = 0; t < p->ntaps; t++) {
        p->taps[t] = json_object_get_int(json_object_array_get_idx(jt, (size_t)t));
        if (p->taps[t] < 0 || p->taps[t] >= p->net->count || (t && p->taps[t] <= p->taps[t - 1]))
            return gp_fail(err, GP_ERR_FORMAT, "%s: taps must be increasing layer indices", path);
    }
    return GP_OK;
}

gp_status gp_perceptual_load(const char *path, gp_perceptual **out, gp_error *err)
{
    *out = NULL;
    gp_safetensors *st;
    gp_status s = gp_safetensors_open(path, &st, err);
    if (s != GP_OK)
        return s;
    const char *text = gp_safetensors_meta(st, "ganprior.arch");
    json_object *arch = text ? json_tokener_parse(text) : NULL, *layers;
    gp_perceptual *p = calloc(1, sizeof *p);
    if (!p)
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory");
    else if (!arch || !json_object_object_get_ex(arch, "layers", &layers))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: not a perceptual network file (no layers)", path);
    else
        s = gp_arch_build(layers, (gp_shape){ 1, 3, 128, 128 }, st, &p->net, err);
    if (s == GP_OK)
        s = read_taps(p, arch, path, err);
    if (s == GP_OK)
        s = gp_safetensors_check_all_used(st, err);
    if (arch)
        json_object_put(arch);
    gp_safetensors_close(st);
    if (s != GP_OK) {
        gp_perceptual_free(p);
        return s;
    }
    *out = p;
    return GP_OK;
}

static void free_traces(gp_perceptual *p)
{
    for (int t = 0; t < MAX_TAPS; t++) {
        gp_trace_free(p->seg[t]);
        free(p->target[t]);
        p->seg[t] = NULL;
        p->target[t] = NULL;
    }
    free(p->grad[0]);
    free(p->grad[1]);
    free(p->pre);
    p->grad[0] = p->grad[1] = p->pre = NULL;
}

void gp_perceptual_free(gp_perceptual *p)
{
    if (!p)
        return;
    free_traces(p);
    gp_net_free(p->net);
    free(p);
}

/* x in [lo, hi], [3, h, w] RGB -> BGR 0..255 minus the Caffe mean. */
static void preprocess(const gp_perceptual *p, const float *x, float *out)
{
    const size_t hw = (size_t)p->h * p->w;
    const float s = 255.0f / (p->hi - p->lo);
    for (int c = 0; c < 3; c++)
        for (size_t i = 0; i < hw; i++)
            out[c * hw + i] = (x[(2 - c) * hw + i] - p->lo) * s - caffe_mean_bgr[c];
}

/* Runs every segment; segment t reads the output of segment t-1. */
static void run_features(gp_perceptual *p, const float *x)
{
    preprocess(p, x, gp_trace_input(p->seg[0]));
    for (int t = 0; t < p->ntaps; t++) {
        if (t)
            memcpy(gp_trace_input(p->seg[t]), gp_trace_output(p->seg[t - 1]),
                   gp_shape_count(gp_trace_in_shape(p->seg[t])) * sizeof(float));
        gp_trace_forward(p->seg[t]);
    }
}

static gp_status alloc_traces(gp_perceptual *p, int h, int w, gp_error *err)
{
    gp_shape s = { 1, 3, h, w };
    size_t most = 0;
    for (int t = 0; t < p->ntaps; t++) {
        int from = t ? p->taps[t - 1] + 1 : 0;
        p->seg[t] = gp_trace_new(p->net, from, p->taps[t] + 1, s);
        if (!p->seg[t])
            return gp_fail(err, GP_ERR_ARGUMENT,
                           "a %dx%d image is too small for the perceptual network", w, h);
        s = gp_trace_out_shape(p->seg[t]);
        if (gp_shape_count(s) > most)
            most = gp_shape_count(s);
        p->target[t] = malloc(gp_shape_count(s) * sizeof(float));
        if (!p->target[t])
            return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    }
    size_t in = (size_t)3 * h * w;
    most = most > in ? most : in;
    p->grad[0] = malloc(most * sizeof(float));
    p->grad[1] = malloc(most * sizeof(float));
    p->pre = malloc(in * sizeof(float));
    if (!p->grad[0] || !p->grad[1] || !p->pre)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    return GP_OK;
}

gp_status gp_perceptual_set_target(gp_perceptual *p, const float *y, int h, int w,
                                   float lo, float hi, gp_error *err)
{
    free_traces(p);
    p->h = h;
    p->w = w;
    p->lo = lo;
    p->hi = hi;
    gp_status s = alloc_traces(p, h, w, err);
    if (s != GP_OK) {
        free_traces(p);
        return s;
    }
    run_features(p, y);
    for (int t = 0; t < p->ntaps; t++) {
        size_t n = gp_shape_count(gp_trace_out_shape(p->seg[t]));
        const float *f = gp_trace_output(p->seg[t]);
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += fabsf(f[i]);
        memcpy(p->target[t], f, n * sizeof(float));
        p->norm[t] = (float)(1.0 / (sum + 1e-6 * (double)n));
    }
    return GP_OK;
}

float gp_perceptual_loss(gp_perceptual *p, const float *x, float weight, float *dx)
{
    run_features(p, x);
    double loss = 0.0;
    float *g = p->grad[0], *spare = p->grad[1];
    bool have_g = false;
    for (int t = p->ntaps - 1; t >= 0; t--) {
        size_t n = gp_shape_count(gp_trace_out_shape(p->seg[t]));
        const float *f = gp_trace_output(p->seg[t]), *y = p->target[t];
        const float k = weight * p->norm[t];
        for (size_t i = 0; i < n; i++) {
            float d = f[i] - y[i];
            loss += fabsf(d) * p->norm[t];
            if (dx) {
                float gi = d > 0.0f ? k : d < 0.0f ? -k : 0.0f;
                g[i] = have_g ? g[i] + gi : gi;
            }
        }
        if (!dx)
            continue;
        /* Back through segment t to the previous tap (or the input). */
        gp_trace_backward(p->seg[t], g, t ? spare : p->pre);
        float *tmp = g;
        g = spare;
        spare = tmp;
        have_g = true;
    }
    if (dx) {
        const size_t hw = (size_t)p->h * p->w;
        const float s = 255.0f / (p->hi - p->lo);
        for (int c = 0; c < 3; c++)
            for (size_t i = 0; i < hw; i++)
                dx[(2 - c) * hw + i] += s * p->pre[c * hw + i];
    }
    return (float)loss * weight;
}
