/* nets.c — loading the two face networks from their safetensors files:
 * every tensor's name and shape checked, nothing extra allowed. */
#include "faces/nets.h"
#include "model/safetensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads tensor name of shape dims into a new array *dst. */
static gp_status take(gp_safetensors *st, const char *name, int ndim, const int *dims, float **dst,
                      gp_error *err)
{
    size_t n = 1;
    for (int i = 0; i < ndim; i++)
        n *= (size_t)dims[i];
    *dst = malloc(n * sizeof(float));
    if (!*dst)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for %s", name);
    return gp_safetensors_read(st, name, ndim, dims, *dst, err);
}

static gp_status take_sep(gp_safetensors *st, const char *prefix, int cin, int cout, gp_fa_sep *s,
                          gp_error *err)
{
    char name[96];
    s->cin = cin;
    s->cout = cout;
    gp_status r;
    snprintf(name, sizeof name, "%s.depthwise", prefix);
    if ((r = take(st, name, 3, (const int[]){ cin, 3, 3 }, &s->depthwise, err)) != GP_OK)
        return r;
    snprintf(name, sizeof name, "%s.pointwise", prefix);
    if ((r = take(st, name, 2, (const int[]){ cout, cin }, &s->pointwise, err)) != GP_OK)
        return r;
    snprintf(name, sizeof name, "%s.bias", prefix);
    return take(st, name, 1, (const int[]){ cout }, &s->bias, err);
}

static void release_sep(gp_fa_sep *s)
{
    free(s->depthwise);
    free(s->pointwise);
    free(s->bias);
}

/* Opens path and checks it holds the architecture arch. */
static gp_status open_net(const char *path, const char *arch, gp_safetensors **st, gp_error *err)
{
    gp_status s = gp_safetensors_open(path, st, err);
    if (s != GP_OK)
        return s;
    const char *a = gp_safetensors_meta(*st, "ganprior.arch");
    if (!a || strcmp(a, arch)) {
        s = gp_fail(err, GP_ERR_FORMAT, "%s: not a %s file (ganprior.arch is %s%s%s)", path, arch,
                    a ? "\"" : "", a ? a : "missing", a ? "\"" : "");
        gp_safetensors_close(*st);
        *st = NULL;
    }
    return s;
}

static const int det_ch[6] = { 16, 32, 64, 128, 256, 512 };

gp_status gp_fa_detector_load(const char *path, gp_fa_detector *d, gp_error *err)
{
    memset(d, 0, sizeof *d);
    gp_safetensors *st;
    gp_status s = open_net(path, "faceapi-tiny-face-detector", &st, err);
    if (s != GP_OK)
        return s;
    s = take(st, "conv0.weight", 4, (const int[]){ 16, 3, 3, 3 }, &d->conv0_w, err);
    if (s == GP_OK)
        s = take(st, "conv0.bias", 1, (const int[]){ 16 }, &d->conv0_b, err);
    for (int i = 0; i < 5 && s == GP_OK; i++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "conv%d", i + 1);
        s = take_sep(st, prefix, det_ch[i], det_ch[i + 1], &d->sep[i], err);
    }
    if (s == GP_OK)
        s = take(st, "conv8.weight", 4, (const int[]){ GP_FA_GRID_CH, 512, 1, 1 }, &d->conv8_w, err);
    if (s == GP_OK)
        s = take(st, "conv8.bias", 1, (const int[]){ GP_FA_GRID_CH }, &d->conv8_b, err);
    if (s == GP_OK)
        s = gp_safetensors_check_all_used(st, err);
    gp_safetensors_close(st);
    if (s != GP_OK)
        gp_fa_detector_release(d);
    return s;
}

void gp_fa_detector_release(gp_fa_detector *d)
{
    free(d->conv0_w);
    free(d->conv0_b);
    for (int i = 0; i < 5; i++)
        release_sep(&d->sep[i]);
    free(d->conv8_w);
    free(d->conv8_b);
    memset(d, 0, sizeof *d);
}

/* dense{b}.conv{i} for sep[k]: k 0,1 = dense0.conv1,2; 2..4 = dense1.conv0..2; 5..7 dense2. */
static const struct { const char *name; int cin, cout; } lm_sep[8] = {
    { "dense0.conv1", 32, 32 },   { "dense0.conv2", 32, 32 },   { "dense1.conv0", 32, 64 },
    { "dense1.conv1", 64, 64 },   { "dense1.conv2", 64, 64 },   { "dense2.conv0", 64, 128 },
    { "dense2.conv1", 128, 128 }, { "dense2.conv2", 128, 128 },
};

gp_status gp_fa_landmarker_load(const char *path, gp_fa_landmarker *l, gp_error *err)
{
    memset(l, 0, sizeof *l);
    gp_safetensors *st;
    gp_status s = open_net(path, "faceapi-landmark68-tiny", &st, err);
    if (s != GP_OK)
        return s;
    s = take(st, "dense0.conv0.weight", 4, (const int[]){ 32, 3, 3, 3 }, &l->conv0_w, err);
    if (s == GP_OK)
        s = take(st, "dense0.conv0.bias", 1, (const int[]){ 32 }, &l->conv0_b, err);
    for (int i = 0; i < 8 && s == GP_OK; i++)
        s = take_sep(st, lm_sep[i].name, lm_sep[i].cin, lm_sep[i].cout, &l->sep[i], err);
    if (s == GP_OK)
        s = take(st, "fc.weight", 2, (const int[]){ 136, 128 }, &l->fc_w, err);
    if (s == GP_OK)
        s = take(st, "fc.bias", 1, (const int[]){ 136 }, &l->fc_b, err);
    if (s == GP_OK)
        s = gp_safetensors_check_all_used(st, err);
    gp_safetensors_close(st);
    if (s != GP_OK)
        gp_fa_landmarker_release(l);
    return s;
}

void gp_fa_landmarker_release(gp_fa_landmarker *l)
{
    free(l->conv0_w);
    free(l->conv0_b);
    for (int i = 0; i < 8; i++)
        release_sep(&l->sep[i]);
    free(l->fc_w);
    free(l->fc_b);
    memset(l, 0, sizeof *l);
}
