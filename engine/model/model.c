/* model.c — loading generators from safetensors files and sampling them. */
#include "model/model.h"
#include "model/limits.h"
#include "model/arch.h"
#include "core/error.h"

#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_meta(const gp_safetensors *st, const char *key, const char *def)
{
    const char *v = gp_safetensors_meta(st, key);
    return strdup(v ? v : def);
}

static gp_status read_common(gp_model *m, json_object *arch, const char *path, gp_error *err)
{
    json_object *j;
    gp_model_info *in = &m->info;
    in->latent_dist = GP_LATENT_NORMAL;
    if (json_object_object_get_ex(arch, "latent_dist", &j)) {
        const char *d = json_object_is_type(j, json_type_string) ? json_object_get_string(j)
                                                                 : "(not a string)";
        if (!strcmp(d, "uniform"))
            in->latent_dist = GP_LATENT_UNIFORM;
        else if (strcmp(d, "normal"))
            return gp_fail(err, GP_ERR_FORMAT, "%s: unknown latent_dist '%s'", path, d);
    }
    in->range_min = -1.0f;
    in->range_max = 1.0f;
    if (json_object_object_get_ex(arch, "range", &j)) {
        if (!json_object_is_type(j, json_type_array) || json_object_array_length(j) != 2)
            return gp_fail(err, GP_ERR_FORMAT, "%s: range must be [min, max]", path);
        in->range_min = (float)json_object_get_double(json_object_array_get_idx(j, 0));
        in->range_max = (float)json_object_get_double(json_object_array_get_idx(j, 1));
        if (!(in->range_max > in->range_min))
            return gp_fail(err, GP_ERR_FORMAT, "%s: empty output range", path);
    }
    return GP_OK;
}

static gp_status build_net(gp_model *m, gp_safetensors *st, json_object *arch, gp_error *err)
{
    const char *path = gp_safetensors_path(st);
    json_object *jf, *layers = NULL;
    gp_shape in;
    if (!json_object_object_get_ex(arch, "family", &jf) || !json_object_is_type(jf, json_type_string))
        return gp_fail(err, GP_ERR_FORMAT, "%s: architecture has no \"family\" string", path);
    const char *family = json_object_get_string(jf);
    if (!strcmp(family, "pggan")) {
        char why[256];
        layers = gp_pggan_layers(arch, &in, why, sizeof why);
        if (!layers)
            return gp_fail(err, GP_ERR_FORMAT, "%s: %s", path, why);
    } else if (!strcmp(family, "sequential")) {
        if (!json_object_object_get_ex(arch, "layers", &layers) || !gp_arch_input(arch, &in))
            return gp_fail(err, GP_ERR_FORMAT, "%s: sequential architecture needs \"layers\" and an \"input\" "
                           "[c,h,w] within the limits of a model file (%d channels, sides of %d)", path,
                           GP_LIMIT_CHANNELS, GP_LIMIT_SIDE);
        json_object_get(layers);
    } else {
        return gp_fail(err, GP_ERR_UNSUPPORTED, "%s: unknown model family '%s'", path, family);
    }
    m->family = strdup(family);
    gp_status s = gp_arch_build(layers, in, st, &m->net, err);
    json_object_put(layers);
    if (s == GP_OK)
        s = gp_safetensors_check_all_used(st, err);
    if (s == GP_OK)
        gp_net_fuse_upconv(m->net);
    return s;
}

static gp_status fill_info(gp_model *m, const char *path, gp_error *err)
{
    gp_shape out;
    if (!gp_net_shape_at(m->net, m->net->count, 1, &out) || out.c != 3)
        return gp_fail(err, GP_ERR_FORMAT, "%s: the network does not produce a 3-channel image", path);
    gp_model_info *in = &m->info;
    in->name = m->name;
    in->family = m->family;
    in->licence = m->licence;
    in->provenance = m->provenance;
    in->width = out.w;
    in->height = out.h;
    in->channels = out.c;
    in->latent_size = (int)gp_shape_plane(m->net->in);
    in->blocks = m->net->nblocks;
    in->parameters = 0;
    for (int i = 0; i < m->net->count; i++)
        for (int p = 0; p < m->net->layers[i]->nparams; p++)
            in->parameters += (long long)m->net->layers[i]->params[p].count;
    return GP_OK;
}

/* ganprior.face_frame, when present: five [x, y] points in unit
 * coordinates of the model's image (see gp_model_face_frame). */
static gp_status read_face_frame(gp_model *m, const gp_safetensors *st, const char *path,
                                 gp_error *err)
{
    const char *text = gp_safetensors_meta(st, "ganprior.face_frame");
    if (!text)
        return GP_OK;
    json_object *j = json_tokener_parse(text);
    bool ok = j && json_object_is_type(j, json_type_array) && json_object_array_length(j) == 5;
    for (size_t i = 0; ok && i < 5; i++) {
        json_object *pt = json_object_array_get_idx(j, i);
        ok = json_object_is_type(pt, json_type_array) && json_object_array_length(pt) == 2;
        for (size_t c = 0; ok && c < 2; c++) {
            json_object *v = json_object_array_get_idx(pt, c);
            double x = json_object_get_double(v);
            ok = (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) &&
                 x >= 0.0 && x <= 1.0;
            m->face_frame[i][c] = (float)x;
        }
    }
    if (j)
        json_object_put(j);
    if (!ok)
        return gp_fail(err, GP_ERR_FORMAT,
                       "%s: ganprior.face_frame is not five [x, y] points in 0..1", path);
    m->has_face_frame = true;
    return GP_OK;
}

/* The model in an open reader (closed here); path names it. */
static gp_status load_from(gp_safetensors *st, const char *path, gp_model **out, gp_error *err)
{
    gp_status s;
    const char *arch_text = gp_safetensors_meta(st, "ganprior.arch");
    json_object *arch = arch_text ? json_tokener_parse(arch_text) : NULL;
    gp_model *m = calloc(1, sizeof *m);
    if (!m)
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory");
    else if (!arch_text)
        s = gp_fail(err, GP_ERR_FORMAT, "%s: no ganprior.arch in the metadata (not a ganprior model file?)", path);
    else if (!arch || !json_object_is_type(arch, json_type_object))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: ganprior.arch is not a JSON object", path);
    else {
        m->name = dup_meta(st, "ganprior.name", "unnamed");
        m->licence = dup_meta(st, "ganprior.licence", "unknown");
        m->provenance = dup_meta(st, "ganprior.provenance", "unknown");
        m->path = strdup(path);
        s = read_common(m, arch, path, err);
        if (s == GP_OK)
            s = build_net(m, st, arch, err);
        if (s == GP_OK)
            s = read_face_frame(m, st, path, err);
        if (s == GP_OK)
            s = fill_info(m, path, err);
    }
    if (arch)
        json_object_put(arch);
    gp_safetensors_close(st);
    if (s != GP_OK) {
        gp_model_free(m);
        return s;
    }
    *out = m;
    gp_ok(err);
    return GP_OK;
}

gp_status gp_model_load(const char *path, gp_model **out, gp_error *err)
{
    *out = NULL;
    gp_safetensors *st;
    gp_status s = gp_safetensors_open(path, &st, err);
    return s == GP_OK ? load_from(st, path, out, err) : s;
}

gp_status gp_model_load_memory(const void *data, size_t size, const char *name, gp_model **out,
                               gp_error *err)
{
    *out = NULL;
    gp_safetensors *st;
    gp_status s = gp_safetensors_open_memory(data, size, name, &st, err);
    return s == GP_OK ? load_from(st, name, out, err) : s;
}

void gp_model_free(gp_model *m)
{
    if (!m)
        return;
    gp_net_free(m->net);
    free(m->name);
    free(m->family);
    free(m->licence);
    free(m->provenance);
    free(m->path);
    free(m);
}

const gp_model_info *gp_model_get_info(const gp_model *m) { return &m->info; }

int gp_model_block_channels(const gp_model *m, int block)
{
    gp_shape s;
    if (block < 0 || block >= m->net->nblocks ||
        !gp_net_shape_at(m->net, gp_net_block_layer(m->net, block), 1, &s))
        return -1;
    return s.c;
}

int gp_model_default_block(const gp_model *m)
{
    int best = 1;
    for (int b = 1; b < m->net->nblocks; b++) {
        gp_shape s;
        if (gp_net_shape_at(m->net, gp_net_block_layer(m->net, b), 1, &s) && s.h > 1 &&
            s.w * 8 <= m->info.width)
            best = b;
    }
    return best;
}

void gp_model_draw_latent(const gp_model *m, gp_rng *r, float *z)
{
    for (int i = 0; i < m->info.latent_size; i++)
        z[i] = m->info.latent_dist == GP_LATENT_UNIFORM ? (float)(2.0 * gp_rng_uniform(r) - 1.0)
                                                        : gp_rng_normal(r);
}

void gp_model_output_to_image(const gp_model *m, const float *chw, gp_image *out)
{
    const int hw = out->width * out->height;
    const float lo = m->info.range_min, scale = 1.0f / (m->info.range_max - lo);
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < hw; i++) {
            float v = (chw[(size_t)c * hw + i] - lo) * scale;
            out->data[(size_t)i * 3 + c] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
}

void gp_model_image_to_range(const gp_model *m, const gp_image *img, float *chw)
{
    const int hw = img->width * img->height, ch = img->channels;
    const float lo = m->info.range_min, span = m->info.range_max - lo;
    for (int c = 0; c < ch; c++)
        for (int i = 0; i < hw; i++)
            chw[(size_t)c * hw + i] = lo + span * img->data[(size_t)i * ch + c];
}

gp_status gp_model_sample(gp_model *m, uint64_t seed, gp_image *out, gp_error *err)
{
    gp_shape in = m->net->in;
    gp_trace *t = gp_trace_new(m->net, 0, m->net->count, in);
    if (!t)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory building the generator trace");
    gp_rng r;
    gp_rng_seed(&r, seed);
    gp_model_draw_latent(m, &r, gp_trace_input(t));
    const float *y = gp_trace_forward(t);
    gp_status s = gp_image_alloc(out, m->info.width, m->info.height, 3);
    if (s == GP_OK)
        gp_model_output_to_image(m, y, out);
    gp_trace_free(t);
    return s == GP_OK ? GP_OK : gp_fail(err, s, "cannot allocate the output image");
}
