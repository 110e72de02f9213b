/* encoder.c — loading and running an image-to-code encoder (encoder.h). */
#include "model/encoder.h"

#include "core/error.h"
#include "model/arch.h"

#include <json.h>
#include <stdlib.h>
#include <string.h>

struct gp_encoder {
    gp_net *net;
    gp_trace *trace; /* [1, 3, H, W] -> [1, latent, 1, 1] */
    float scale, shift; /* generator range -> [-1, 1]: x * scale + shift */
    float *dx;       /* [3, H, W]: the input gradient, before the range */
};

static gp_status check_input(gp_shape in, const char *path, const void *ctx, gp_error *err)
{
    const gp_model_info *g = ctx;
    if (in.c != 3 || in.h != g->height || in.w != g->width)
        return gp_fail(err, GP_ERR_ARGUMENT, "%s: the encoder takes %dx%dx%d images, the model %s "
                       "makes 3x%dx%d", path, in.c, in.w, in.h, g->name, g->width, g->height);
    return GP_OK;
}

/* The generator the file says it was trained for must be g. */
static gp_status check_owner(gp_safetensors *st, const gp_model_info *g, gp_error *err)
{
    const char *path = gp_safetensors_path(st), *text = gp_safetensors_meta(st, "ganprior.encoder");
    json_object *meta = text ? json_tokener_parse(text) : NULL, *model = NULL, *latent = NULL;
    gp_status s = GP_OK;
    if (!meta || !json_object_object_get_ex(meta, "model", &model) ||
        !json_object_is_type(model, json_type_string) ||
        !json_object_object_get_ex(meta, "latent_size", &latent) ||
        !json_object_is_type(latent, json_type_int))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: not an encoder file (no \"ganprior.encoder\" metadata "
                    "naming its model and latent size)", path);
    else if (strcmp(json_object_get_string(model), g->name) ||
             json_object_get_int(latent) != g->latent_size)
        s = gp_fail(err, GP_ERR_ARGUMENT, "%s is the encoder of model '%s' (latent %d), not of '%s' "
                    "(latent %d)", path, json_object_get_string(model), json_object_get_int(latent),
                    g->name, g->latent_size);
    if (meta)
        json_object_put(meta);
    return s;
}

static gp_status build(gp_encoder *e, gp_safetensors *st, const gp_model_info *g, gp_error *err)
{
    gp_status s = check_owner(st, g, err);
    if (s == GP_OK)
        s = gp_arch_load_sequential(st, "an encoder", check_input, g, &e->net, err);
    gp_shape out;
    if (s == GP_OK && (!gp_net_shape_at(e->net, e->net->count, 1, &out) ||
                       gp_shape_plane(out) != (size_t)g->latent_size))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: the encoder gives %zu values, the model's codes have "
                    "%d", gp_safetensors_path(st), gp_shape_plane(out), g->latent_size);
    return s;
}

gp_status gp_encoder_load(const char *path, const gp_model *g, gp_encoder **out, gp_error *err)
{
    *out = NULL;
    gp_safetensors *st;
    gp_status s = gp_safetensors_open(path, &st, err);
    if (s != GP_OK)
        return s;
    gp_encoder *e = calloc(1, sizeof *e);
    s = e ? build(e, st, &g->info, err) : gp_fail(err, GP_ERR_MEMORY, "out of memory");
    gp_safetensors_close(st);
    if (s == GP_OK) {
        e->trace = gp_trace_new(e->net, 0, e->net->count, e->net->in);
        e->dx = malloc(gp_shape_count(e->net->in) * sizeof(float));
        if (!e->trace || !e->dx)
            s = gp_fail(err, GP_ERR_MEMORY, "out of memory for the encoder %s", path);
    }
    if (s != GP_OK) {
        gp_encoder_free(e);
        return s;
    }
    e->scale = 2.0f / (g->info.range_max - g->info.range_min);
    e->shift = -1.0f - g->info.range_min * e->scale;
    *out = e;
    return GP_OK;
}

void gp_encoder_free(gp_encoder *e)
{
    if (!e)
        return;
    gp_trace_free(e->trace);
    gp_net_free(e->net);
    free(e->dx);
    free(e);
}

const float *gp_encoder_encode(gp_encoder *e, const float *x)
{
    float *in = gp_trace_input(e->trace);
    const size_t n = gp_shape_count(e->net->in);
    for (size_t i = 0; i < n; i++)
        in[i] = x[i] * e->scale + e->shift;
    return gp_trace_forward(e->trace);
}

void gp_encoder_backward(gp_encoder *e, const float *dz, float *dx)
{
    gp_trace_backward(e->trace, dz, e->dx);
    const size_t n = gp_shape_count(e->net->in);
    for (size_t i = 0; i < n; i++)
        dx[i] += e->dx[i] * e->scale;
}
