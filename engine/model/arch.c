/* arch.c — sequential architecture descriptions to gp_net. */
#include "model/arch.h"
#include "core/error.h"
#include "model/limits.h"
#include "nn/layer_kinds.h"

#include <stdio.h>
#include <string.h>

/* Reads an int key; def < -1 marks it required. */
static bool get_int(json_object *o, const char *key, int def, int *v)
{
    json_object *j;
    if (!json_object_object_get_ex(o, key, &j)) {
        *v = def;
        return def >= -1;
    }
    if (!json_object_is_type(j, json_type_int))
        return false;
    int64_t x = json_object_get_int64(j);
    if (x < -1 || x > (1 << 24))
        return false;
    *v = (int)x;
    return true;
}

static double get_num(json_object *o, const char *key, double def)
{
    json_object *j;
    if (!json_object_object_get_ex(o, key, &j))
        return def;
    return json_object_get_double(j);
}

static bool get_bool(json_object *o, const char *key, bool def)
{
    json_object *j;
    if (!json_object_object_get_ex(o, key, &j))
        return def;
    return json_object_get_boolean(j);
}

/* Reads [a, b] or a single int into both. */
static bool get_pair(json_object *o, const char *key, int def, int *a, int *b)
{
    json_object *j;
    if (json_object_object_get_ex(o, key, &j) && json_object_is_type(j, json_type_array)) {
        if (json_object_array_length(j) != 2)
            return false;
        *a = json_object_get_int(json_object_array_get_idx(j, 0));
        *b = json_object_get_int(json_object_array_get_idx(j, 1));
        return *a >= 0 && *b >= 0;
    }
    if (!get_int(o, key, def, a))
        return false;
    *b = *a;
    return *a >= 0;
}

typedef struct build_ctx {
    gp_safetensors *st;
    gp_error *err;
    const char *name; /* the layer's tensor prefix */
    int index;
    int64_t params;   /* weights of the layers so far */
    int64_t floats;   /* feature-map floats of one image so far */
} build_ctx;

static bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

/* Whether a layer of n more weights keeps the network within
 * GP_LIMIT_PARAMS (checked before the layer allocates them). */
static bool room_for(build_ctx *c, int64_t n)
{
    if (n < 0 || n > GP_LIMIT_PARAMS - c->params)
        return false;
    c->params += n;
    return true;
}

/* Fills every parameter of l from "<prefix>.<role>" tensors, folding an
 * optional scale into the weight. */
static gp_status load_params(build_ctx *c, gp_layer *l, const char *prefix,
                             const char *const *roles, float weight_scale)
{
    if (!c->st)
        return GP_OK;
    for (int i = 0; i < l->nparams; i++) {
        char tname[256];
        snprintf(tname, sizeof tname, "%s.%s", prefix, roles ? roles[i] : l->params[i].role);
        gp_param *p = &l->params[i];
        gp_status s = gp_safetensors_read(c->st, tname, p->ndim, p->dims, p->value, c->err);
        if (s != GP_OK)
            return s;
        if (i == 0 && weight_scale != 1.0f)
            for (size_t k = 0; k < p->count; k++)
                p->value[k] *= weight_scale;
        gp_param_changed(p);
    }
    return GP_OK;
}

static gp_status bad_layer(build_ctx *c, const char *what)
{
    return gp_fail(c->err, GP_ERR_FORMAT, "%s: architecture layer %d (%s): %s",
                   c->st ? gp_safetensors_path(c->st) : "architecture", c->index,
                   c->name[0] ? c->name : "unnamed", what);
}

static gp_status make_fire(build_ctx *c, json_object *o, gp_layer **l)
{
    int cin, sq, e1, e3;
    if (!get_int(o, "cin", -2, &cin) || !get_int(o, "squeeze", -2, &sq) ||
        !get_int(o, "e1", -2, &e1) || !get_int(o, "e3", -2, &e3))
        return bad_layer(c, "fire needs cin, squeeze, e1, e3");
    const int most = GP_LIMIT_CHANNELS;
    if (!in_range(cin, 1, most) || !in_range(sq, 1, most) || !in_range(e1, 1, most) || !in_range(e3, 1, most) ||
        !room_for(c, (int64_t)sq * (cin + 1) + (int64_t)e1 * (sq + 1) + (int64_t)e3 * (9 * sq + 1)))
        return bad_layer(c, "fire sizes beyond the limits of a model file");
    *l = gp_fire_new(cin, sq, e1, e3);
    if (!*l)
        return bad_layer(c, "invalid fire sizes");
    static const char *const parts[3] = { "squeeze", "expand1x1", "expand3x3" };
    for (int i = 0; i < 3; i++) {
        char prefix[256];
        snprintf(prefix, sizeof prefix, "%s.%s", c->name, parts[i]);
        gp_status s = load_params(c, gp_fire_part(*l, i), prefix, NULL, 1.0f);
        if (s != GP_OK)
            return s;
    }
    return GP_OK;
}

static gp_layer *make_conv(build_ctx *c, json_object *o, bool transpose, bool *ok)
{
    int cin, cout, k, stride, pb, pe;
    *ok = get_int(o, "cin", -2, &cin) && get_int(o, "cout", -2, &cout) &&
          get_int(o, "k", -2, &k) && get_int(o, "stride", 1, &stride) &&
          get_pair(o, "pad", 0, &pb, &pe);
    if (!*ok)
        return NULL;
    bool bias = get_bool(o, "bias", true);
    if (!in_range(cin, 1, GP_LIMIT_CHANNELS) || !in_range(cout, 1, GP_LIMIT_CHANNELS) ||
        !in_range(k, 1, GP_LIMIT_KERNEL) || !in_range(stride, 1, GP_LIMIT_STRIDE) ||
        pb > GP_LIMIT_PAD || pe > GP_LIMIT_PAD ||
        !room_for(c, (int64_t)cin * cout * k * k + (bias ? cout : 0))) {
        *ok = false;
        return NULL;
    }
    if (transpose)
        return gp_conv_transpose2d_new(cin, cout, k, stride, pb, pe, bias);
    if (pb != pe) {
        *ok = false;
        return NULL;
    }
    return gp_conv2d_new(cin, cout, k, stride, pb, bias);
}

static gp_layer *make_dense(build_ctx *c, json_object *o, bool *ok)
{
    int in;
    json_object *out;
    *ok = get_int(o, "in", -2, &in) && json_object_object_get_ex(o, "out", &out);
    if (!*ok)
        return NULL;
    int d[3] = { 1, 1, 1 };
    if (json_object_is_type(out, json_type_array)) {
        size_t n = json_object_array_length(out);
        *ok = n >= 1 && n <= 3;
        for (size_t i = 0; *ok && i < n; i++)
            d[i] = json_object_get_int(json_object_array_get_idx(out, i));
    } else {
        d[0] = json_object_get_int(out);
    }
    bool bias = get_bool(o, "bias", true);
    int64_t outs = (int64_t)d[0] * d[1] * d[2];
    *ok = *ok && in_range(in, 1, (int)GP_LIMIT_MAP_FLOATS) && in_range(d[0], 1, GP_LIMIT_CHANNELS) &&
          in_range(d[1], 1, GP_LIMIT_SIDE) && in_range(d[2], 1, GP_LIMIT_SIDE) &&
          outs <= GP_LIMIT_MAP_FLOATS && room_for(c, outs * in + (bias ? outs : 0));
    return *ok ? gp_dense_new(in, d[0], d[1], d[2], bias) : NULL;
}

static gp_layer *make_simple(build_ctx *ctx, const char *type, json_object *o, bool *ok)
{
    int c, k, stride;
    *ok = true;
    if (!strcmp(type, "pixelnorm")) return gp_pixelnorm_new((float)get_num(o, "eps", 1e-8));
    if (!strcmp(type, "upsample2")) return gp_upsample2_new();
    if (!strcmp(type, "relu")) return gp_activation_new(GP_ACT_RELU, 0);
    if (!strcmp(type, "tanh")) return gp_activation_new(GP_ACT_TANH, 0);
    if (!strcmp(type, "linear")) return gp_activation_new(GP_ACT_LINEAR, 0);
    if (!strcmp(type, "lrelu")) return gp_activation_new(GP_ACT_LRELU, (float)get_num(o, "slope", 0.2));
    if (!strcmp(type, "elu")) return gp_activation_new(GP_ACT_ELU, (float)get_num(o, "alpha", 1.0));
    if (!strcmp(type, "maxpool") || !strcmp(type, "avgpool")) {
        *ok = get_int(o, "k", -2, &k) && get_int(o, "stride", k, &stride) &&
              in_range(k, 1, GP_LIMIT_KERNEL) && in_range(stride, 1, GP_LIMIT_STRIDE);
        if (!*ok)
            return NULL;
        return type[0] == 'm' ? gp_maxpool_new(k, stride) : gp_avgpool_new(k, stride);
    }
    *ok = get_int(o, "c", -2, &c) && in_range(c, 1, GP_LIMIT_CHANNELS) && room_for(ctx, 4 * (int64_t)c);
    if (!*ok)
        return NULL;
    if (!strcmp(type, "bias")) return gp_bias_new(c);
    if (!strcmp(type, "chanscale")) return gp_chanscale_new(c);
    if (!strcmp(type, "batchnorm")) return gp_batchnorm_new(c, (float)get_num(o, "eps", 1e-5));
    *ok = false;
    return NULL;
}

static const char *const bn_roles[4] = { "weight", "bias", "running_mean", "running_var" };

static gp_status make_layer(build_ctx *c, json_object *o, gp_layer **l)
{
    json_object *jt;
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "type", &jt) ||
        !json_object_is_type(jt, json_type_string))
        return bad_layer(c, "not an object with a \"type\"");
    const char *type = json_object_get_string(jt);
    bool ok = true;
    if (!strcmp(type, "fire"))
        return make_fire(c, o, l);
    if (!strcmp(type, "conv2d") || !strcmp(type, "conv_transpose2d"))
        *l = make_conv(c, o, type[4] == '_', &ok);
    else if (!strcmp(type, "dense"))
        *l = make_dense(c, o, &ok);
    else
        *l = make_simple(c, type, o, &ok);
    if (!ok || !*l) {
        char why[160];
        snprintf(why, sizeof why, ok ? "invalid sizes for %s" : "unknown type, missing keys or sizes beyond the limits of a model file for %s", type);
        return bad_layer(c, why);
    }
    const char *const *roles = !strcmp(type, "batchnorm") ? bn_roles : NULL;
    return load_params(c, *l, c->name, roles, (float)get_num(o, "scale", 1.0));
}

/* Whether one image's feature map s keeps the network within the limits;
 * adds it to the running total. */
static bool shape_within_limits(build_ctx *c, gp_shape s)
{
    int64_t n = (int64_t)s.c * s.h * s.w;
    if (!in_range(s.c, 1, GP_LIMIT_CHANNELS) || !in_range(s.h, 1, GP_LIMIT_SIDE) ||
        !in_range(s.w, 1, GP_LIMIT_SIDE) || n > GP_LIMIT_MAP_FLOATS || n > GP_LIMIT_ALL_FLOATS - c->floats)
        return false;
    c->floats += n;
    return true;
}

gp_status gp_arch_build(json_object *layers, gp_shape in, gp_safetensors *st,
                        gp_net **out, gp_error *err)
{
    *out = NULL;
    if (!json_object_is_type(layers, json_type_array) || json_object_array_length(layers) == 0)
        return gp_fail(err, GP_ERR_FORMAT, "%s: architecture has no \"layers\" list",
                       st ? gp_safetensors_path(st) : "architecture");
    gp_net *net = gp_net_new(in);
    if (!net)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    gp_shape s = net->in;
    size_t n = json_object_array_length(layers);
    if (n > GP_LIMIT_LAYERS) {
        gp_net_free(net);
        return gp_fail(err, GP_ERR_FORMAT, "%s: %zu layers, more than a model file may have (%d)",
                       st ? gp_safetensors_path(st) : "architecture", n, GP_LIMIT_LAYERS);
    }
    build_ctx c = { st, err, "", 0, 0, gp_shape_count(s) };
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(layers, i), *jn;
        c.name = "";
        c.index = (int)i;
        if (json_object_object_get_ex(o, "name", &jn) && json_object_is_type(jn, json_type_string))
            c.name = json_object_get_string(jn);
        gp_layer *l = NULL;
        gp_status status = make_layer(&c, o, &l);
        if (status == GP_OK && !gp_layer_out_shape(l, s, &s))
            status = bad_layer(&c, "does not fit the output of the layer before it");
        else if (status == GP_OK && !shape_within_limits(&c, s))
            status = bad_layer(&c, "its output is larger than the limits of a model file allow");
        if (status != GP_OK || !gp_net_append(net, l, get_bool(o, "block", false))) {
            if (status == GP_OK)
                status = gp_fail(err, GP_ERR_MEMORY, "out of memory");
            else
                gp_layer_free(l);
            gp_net_free(net);
            return status;
        }
    }
    *out = net;
    return GP_OK;
}

bool gp_arch_input(json_object *arch, gp_shape *in)
{
    json_object *j;
    if (!json_object_object_get_ex(arch, "input", &j) || !json_object_is_type(j, json_type_array) ||
        json_object_array_length(j) != 3)
        return false;
    int d[3];
    for (int i = 0; i < 3; i++) {
        d[i] = json_object_get_int(json_object_array_get_idx(j, (size_t)i));
        if (d[i] <= 0 || d[i] > (i ? GP_LIMIT_SIDE : GP_LIMIT_CHANNELS))
            return false;
    }
    if ((int64_t)d[0] * d[1] * d[2] > GP_LIMIT_MAP_FLOATS)
        return false;
    *in = (gp_shape){ 1, d[0], d[1], d[2] };
    return true;
}

gp_status gp_arch_load_sequential(gp_safetensors *st, const char *what, gp_arch_input_check check,
                                  const void *ctx, gp_net **out, gp_error *err)
{
    *out = NULL;
    const char *path = gp_safetensors_path(st), *text = gp_safetensors_meta(st, "ganprior.arch");
    json_object *arch = text ? json_tokener_parse(text) : NULL, *layers = NULL, *family;
    gp_shape in;
    gp_status s;
    if (!arch || !json_object_object_get_ex(arch, "family", &family) ||
        !json_object_is_type(family, json_type_string) ||
        strcmp(json_object_get_string(family), "sequential") ||
        !json_object_object_get_ex(arch, "layers", &layers) || !gp_arch_input(arch, &in))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: not %s file (it needs a \"sequential\" ganprior.arch "
                    "with \"input\" and \"layers\")", path, what);
    else if ((s = check(in, path, ctx, err)) == GP_OK)
        s = gp_arch_build(layers, in, st, out, err);
    if (s == GP_OK && (s = gp_safetensors_check_all_used(st, err)) != GP_OK) {
        gp_net_free(*out);
        *out = NULL;
    }
    if (arch)
        json_object_put(arch);
    return s;
}
