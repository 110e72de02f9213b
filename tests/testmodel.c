/* testmodel.c — random PGGAN model files for tests. */
#include "testmodel.h"

#include "model/arch.h"
#include "core/rng.h"
#include "model/safetensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *testmodel_tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/gptestXXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(dir))
            snprintf(dir, sizeof dir, "/tmp");
    }
    return dir;
}

static json_object *pggan_arch(int res, int latent, const int *channels)
{
    json_object *a = json_object_new_object(), *ch = json_object_new_array();
    int levels = 0;
    while ((4 << levels) < res)
        levels++;
    for (int i = 0; i <= levels; i++)
        json_object_array_add(ch, json_object_new_int(channels[i]));
    json_object_object_add(a, "family", json_object_new_string("pggan"));
    json_object_object_add(a, "resolution", json_object_new_int(res));
    json_object_object_add(a, "latent_size", json_object_new_int(latent));
    json_object_object_add(a, "channels", ch);
    return a;
}

static void drop_lrelu(json_object *layers)
{
    for (size_t i = json_object_array_length(layers); i-- > 0;) {
        json_object *t;
        json_object_object_get_ex(json_object_array_get_idx(layers, i), "type", &t);
        if (!strcmp(json_object_get_string(t), "lrelu"))
            json_object_array_del_idx(layers, i, 1);
    }
}

/* Calls fn on every parameter of every named layer. */
static void each_param(gp_net *net, json_object *layers,
                       void (*fn)(gp_param *p, const char *layer, void *user), void *user)
{
    for (int i = 0; i < net->count; i++) {
        json_object *jn;
        if (!json_object_object_get_ex(json_object_array_get_idx(layers, (size_t)i), "name", &jn))
            continue;
        for (int p = 0; p < net->layers[i]->nparams; p++)
            fn(&net->layers[i]->params[p], json_object_get_string(jn), user);
    }
}

static void randomise_param(gp_param *pa, const char *layer, void *rng)
{
    /* A quieter toRGB keeps most outputs inside [-1, 1], so the [0, 1]
     * images the public API returns are rarely clipped. */
    float sd = strcmp(pa->role, "weight") ? 0.1f : strncmp(layer, "output", 6) ? 1.0f : 0.3f;
    for (size_t k = 0; k < pa->count; k++)
        pa->value[k] = sd * gp_rng_normal(rng);
    gp_param_changed(pa);
}

static void randomise(gp_net *net, json_object *layers, uint64_t seed)
{
    gp_rng r;
    gp_rng_seed(&r, seed);
    each_param(net, layers, randomise_param, &r);
}

gp_net *testmodel_pggan_net(int res, int latent, const int *channels, uint64_t seed,
                            bool smooth, json_object **layers_out, json_object **arch_out)
{
    json_object *arch = pggan_arch(res, latent, channels);
    gp_shape in;
    char why[256];
    json_object *layers = gp_pggan_layers(arch, &in, why, sizeof why);
    gp_net *net = NULL;
    if (layers && smooth)
        drop_lrelu(layers);
    if (layers && gp_arch_build(layers, in, NULL, &net, NULL) == GP_OK)
        randomise(net, layers, seed);
    if (layers_out)
        *layers_out = layers;
    else if (layers)
        json_object_put(layers);
    if (arch_out)
        *arch_out = arch;
    else
        json_object_put(arch);
    return net;
}

typedef struct entries {
    gp_st_entry e[256];
    char names[256][64];
    int count;
} entries;

static void add_entry(gp_param *pa, const char *layer, void *user)
{
    entries *t = user;
    if (t->count == 256)
        return;
    snprintf(t->names[t->count], sizeof t->names[0], "%s.%s", layer, pa->role);
    t->e[t->count] = (gp_st_entry){ t->names[t->count], pa->ndim, { 0 }, pa->value };
    memcpy(t->e[t->count].dims, pa->dims, sizeof pa->dims);
    t->count++;
}

bool testmodel_write_pggan(const char *path, int res, int latent, const int *channels,
                           uint64_t seed)
{
    json_object *layers = NULL, *arch = NULL;
    gp_net *net = testmodel_pggan_net(res, latent, channels, seed, false, &layers, &arch);
    entries *t = calloc(1, sizeof *t);
    bool ok = net && t;
    if (ok)
        each_param(net, layers, add_entry, t);
    const char *kv[] = { "ganprior.arch", json_object_to_json_string(arch), "ganprior.name",
                         "random-test-pggan" };
    ok = ok && gp_safetensors_write(path, t->e, t->count, kv, 2, NULL) == GP_OK;
    free(t);
    gp_net_free(net);
    if (layers)
        json_object_put(layers);
    json_object_put(arch);
    return ok;
}
