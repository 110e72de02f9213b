/* subspaces.c — the channel subspaces of PmSFC (Li, Wang, Wu & Lu,
 * "Prior Multi-Subspace Feature Composition", AAAI 2021): learning them
 * (self-expressive layer → thresholded affinity → spectral clustering)
 * and keeping them in a sidecar safetensors file next to the model.
 *
 * Sidecar: tensors "labels" [c] (each channel's subspace, stored as F32
 * because that is all the writer makes) and "coefficients" [c, c];
 * metadata "ganprior.subspaces", a JSON object with the model's name,
 * the split block, the channel count, K and the training figures. */
#include "core/error.h"
#include "model/find.h"
#include "model/model.h"
#include "model/safetensors.h"
#include "nn/threads.h"
#include "subspace/selfexpr.h"
#include "subspace/spectral.h"

#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gp_subspaces {
    gp_subspaces_info info;
    char *model;
    int *labels;   /* [c] */
    float *coef;   /* [c, c] */
    gp_subspace_params params; /* how they were learnt (progress unset) */
};

static gp_subspaces *subspaces_new(const char *model, int block, int c, int k)
{
    gp_subspaces *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->model = strdup(model);
    s->labels = malloc((size_t)c * sizeof(int));
    s->coef = malloc((size_t)c * c * sizeof(float));
    if (!s->model || !s->labels || !s->coef) {
        gp_subspaces_free(s);
        return NULL;
    }
    s->info = (gp_subspaces_info){ .model = s->model, .split_block = block, .channels = c,
                                   .subspaces = k, .labels = s->labels };
    return s;
}

void gp_subspaces_free(gp_subspaces *s)
{
    if (!s)
        return;
    free(s->model);
    free(s->labels);
    free(s->coef);
    free(s);
}

const gp_subspaces_info *gp_subspaces_get_info(const gp_subspaces *s) { return &s->info; }

static gp_status check_params(const gp_model *m, const gp_subspace_params *p, int *block,
                              gp_error *err)
{
    *block = p->split_block == -1 ? gp_model_default_block(m) : p->split_block;
    if (*block < 1 || *block >= m->info.blocks)
        return gp_fail(err, GP_ERR_ARGUMENT, "split layer must be 1..%d for this model (got %d)",
                       m->info.blocks - 1, p->split_block);
    int c = gp_model_block_channels(m, *block);
    if (p->subspaces < 1 || p->subspaces > c)
        return gp_fail(err, GP_ERR_ARGUMENT, "subspaces must be 1..%d (the channels at block %d; got %d)",
                       c, *block, p->subspaces);
    if (p->steps < 1 || p->steps > 1000000 || p->batch < 1 || p->batch > 1024)
        return gp_fail(err, GP_ERR_ARGUMENT, "steps must be 1..1000000 and batch 1..1024 (got %d, %d)",
                       p->steps, p->batch);
    if (!(p->learning_rate > 0.0f) || !(p->output_weight >= 0.0f) || !(p->sparsity_weight >= 0.0f) ||
        !(p->keep > 0.0f && p->keep <= 1.0f) ||
        (p->sparsity != GP_SPARSITY_L1 && p->sparsity != GP_SPARSITY_L2))
        return gp_fail(err, GP_ERR_ARGUMENT, "learning rate must be > 0, weights >= 0, keep in (0, 1], sparsity L1 or L2");
    return GP_OK;
}

/* Affinity from the learnt coefficients, then the spectral split. */
static gp_status cluster(gp_subspaces *s, const gp_subspace_params *p, gp_error *err)
{
    const int c = s->info.channels;
    float *a = malloc((size_t)c * c * sizeof(float));
    if (!a || !gp_selfexpr_affinity(s->coef, c, p->keep, a)) {
        free(a);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the channel affinity");
    }
    gp_status st = gp_spectral_cluster(a, c, p->subspaces, p->seed, s->labels, err);
    free(a);
    return st;
}

gp_status gp_subspaces_learn(gp_model *m, const gp_subspace_params *p, gp_subspaces **out,
                             gp_error *err)
{
    double t0 = gp_clock_seconds();
    int block;
    *out = NULL;
    gp_status st = check_params(m, p, &block, err);
    if (st != GP_OK)
        return st;
    gp_subspaces *s = subspaces_new(m->info.name, block, gp_model_block_channels(m, block),
                                    p->subspaces);
    if (!s)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the subspaces");
    gp_selfexpr_figures fig;
    gp_threads_fit_load();
    st = gp_selfexpr_learn(m, gp_net_block_layer(m->net, block), p, s->coef, &fig, err);
    if (st == GP_OK)
        st = cluster(s, p, err);
    if (st != GP_OK) {
        gp_subspaces_free(s);
        return st;
    }
    s->params = *p;
    s->params.split_block = block;
    s->params.progress = NULL;
    s->params.progress_user = NULL;
    s->info.steps = fig.steps;
    s->info.feature_loss = fig.feature_loss;
    s->info.feature_energy = fig.feature_energy;
    s->info.output_loss = fig.output_loss;
    s->info.seconds = gp_clock_seconds() - t0;
    *out = s;
    gp_ok(err);
    return GP_OK;
}

/* ---- the sidecar file ------------------------------------------------ */

static void add_int(json_object *o, const char *k, int v) { json_object_object_add(o, k, json_object_new_int(v)); }
static void add_num(json_object *o, const char *k, double v) { json_object_object_add(o, k, json_object_new_double(v)); }

static json_object *describe(const gp_subspaces *s)
{
    const gp_subspace_params *p = &s->params;
    json_object *o = json_object_new_object(), *t = json_object_new_object();
    json_object_object_add(o, "model", json_object_new_string(s->model));
    add_int(o, "split_block", s->info.split_block);
    add_int(o, "channels", s->info.channels);
    add_int(o, "subspaces", s->info.subspaces);
    add_int(t, "steps", s->info.steps);
    add_int(t, "batch", p->batch);
    add_num(t, "learning_rate", p->learning_rate);
    add_num(t, "output_weight", p->output_weight);
    json_object_object_add(t, "sparsity", json_object_new_string(p->sparsity == GP_SPARSITY_L1 ? "l1" : "l2"));
    add_num(t, "sparsity_weight", p->sparsity_weight);
    add_num(t, "keep", p->keep);
    json_object_object_add(t, "seed", json_object_new_uint64(p->seed));
    add_num(t, "feature_loss", s->info.feature_loss);
    add_num(t, "feature_energy", s->info.feature_energy);
    add_num(t, "output_loss", s->info.output_loss);
    add_num(t, "seconds", s->info.seconds);
    json_object_object_add(o, "training", t);
    return o;
}

gp_status gp_subspaces_save(const gp_subspaces *s, const char *path, gp_error *err)
{
    const int c = s->info.channels;
    float *labels = malloc((size_t)c * sizeof(float));
    if (!labels)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    for (int i = 0; i < c; i++)
        labels[i] = (float)s->labels[i];
    json_object *meta = describe(s);
    const char *kv[] = { "ganprior.subspaces", json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN) };
    const gp_st_entry t[] = { { "labels", 1, { c }, labels }, { "coefficients", 2, { c, c }, s->coef } };
    gp_status st = gp_safetensors_write(path, t, 2, kv, 1, err);
    json_object_put(meta);
    free(labels);
    if (st == GP_OK)
        gp_ok(err);
    return st;
}

static int get_int(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_int)
               ? json_object_get_int(v) : -1;
}

static double get_num(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_double(v) : 0.0;
}

/* How they were learnt: informative only, missing values read as 0. */
static void read_training(gp_subspaces *s, json_object *meta)
{
    json_object *t, *v;
    if (!json_object_object_get_ex(meta, "training", &t) || !json_object_is_type(t, json_type_object))
        return;
    gp_subspace_params *p = &s->params;
    s->info.steps = get_int(t, "steps") > 0 ? get_int(t, "steps") : 0;
    s->info.feature_loss = (float)get_num(t, "feature_loss");
    s->info.feature_energy = (float)get_num(t, "feature_energy");
    s->info.output_loss = (float)get_num(t, "output_loss");
    s->info.seconds = get_num(t, "seconds");
    p->batch = get_int(t, "batch") > 0 ? get_int(t, "batch") : 0;
    p->learning_rate = (float)get_num(t, "learning_rate");
    p->output_weight = (float)get_num(t, "output_weight");
    p->sparsity_weight = (float)get_num(t, "sparsity_weight");
    p->keep = (float)get_num(t, "keep");
    p->sparsity = json_object_object_get_ex(t, "sparsity", &v) && !strcmp(json_object_get_string(v), "l2")
                      ? GP_SPARSITY_L2 : GP_SPARSITY_L1;
    p->seed = json_object_object_get_ex(t, "seed", &v) ? json_object_get_uint64(v) : 0;
}

/* What the metadata says, checked against the model. */
static gp_status read_header(const gp_model *m, gp_safetensors *st, json_object *meta,
                             gp_subspaces **out, gp_error *err)
{
    const char *path = gp_safetensors_path(st);
    json_object *jm;
    if (!meta || !json_object_is_type(meta, json_type_object) ||
        !json_object_object_get_ex(meta, "model", &jm) || !json_object_is_type(jm, json_type_string))
        return gp_fail(err, GP_ERR_FORMAT, "%s: no valid ganprior.subspaces metadata (not a subspaces file?)", path);
    const char *model = json_object_get_string(jm);
    int block = get_int(meta, "split_block"), c = get_int(meta, "channels"), k = get_int(meta, "subspaces");
    if (strcmp(model, m->info.name))
        return gp_fail(err, GP_ERR_ARGUMENT, "%s: these subspaces belong to model '%s', not '%s'", path,
                       model, m->info.name);
    if (block < 1 || block >= m->info.blocks || c != gp_model_block_channels(m, block) || k < 1 || k > c)
        return gp_fail(err, GP_ERR_FORMAT, "%s: block %d, %d channels, %d subspaces do not fit model '%s'",
                       path, block, c, k, m->info.name);
    *out = subspaces_new(model, block, c, k);
    if (!*out)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    read_training(*out, meta);
    return GP_OK;
}

static gp_status read_tensors(gp_subspaces *s, gp_safetensors *st, gp_error *err)
{
    const int c = s->info.channels, k = s->info.subspaces;
    float *labels = malloc((size_t)c * sizeof(float));
    if (!labels)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    gp_status r = gp_safetensors_read(st, "labels", 1, (int[]){ c }, labels, err);
    if (r == GP_OK)
        r = gp_safetensors_read(st, "coefficients", 2, (int[]){ c, c }, s->coef, err);
    if (r == GP_OK)
        r = gp_safetensors_check_all_used(st, err);
    for (int i = 0; r == GP_OK && i < c; i++) {
        if (!(labels[i] >= 0.0f && labels[i] < (float)k) || labels[i] != floorf(labels[i]))
            r = gp_fail(err, GP_ERR_FORMAT, "%s: channel %d has subspace %g (K = %d)",
                        gp_safetensors_path(st), i, labels[i], k);
        else
            s->labels[i] = (int)labels[i];
    }
    free(labels);
    return r;
}

gp_status gp_subspaces_load(const gp_model *m, const char *path, gp_subspaces **out, gp_error *err)
{
    gp_safetensors *st;
    *out = NULL;
    gp_status r = gp_safetensors_open(path, &st, err);
    if (r != GP_OK)
        return r;
    const char *text = gp_safetensors_meta(st, "ganprior.subspaces");
    json_object *meta = text ? json_tokener_parse(text) : NULL;
    gp_subspaces *s = NULL;
    r = read_header(m, st, meta, &s, err);
    if (r == GP_OK)
        r = read_tensors(s, st, err);
    if (meta)
        json_object_put(meta);
    gp_safetensors_close(st);
    if (r != GP_OK) {
        gp_subspaces_free(s);
        return r;
    }
    s->params.split_block = s->info.split_block;
    s->params.subspaces = s->info.subspaces;
    *out = s;
    gp_ok(err);
    return GP_OK;
}

gp_status gp_subspaces_path(const gp_model *m, char *buf, size_t size, gp_error *err)
{
    return gp_model_sidecar_path(m, ".subspaces", buf, size, err);
}
