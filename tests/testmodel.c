/* testmodel.c — random PGGAN model files for tests. */
#include "testmodel.h"

#include "arch.h"
#include "rng.h"
#include "safetensors.h"

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

static void randomise(gp_net *net, json_object *layers, uint64_t seed)
{
    gp_rng r;
    gp_rng_seed(&r, seed);
    for (int i = 0; i < net->count; i++) {
        json_object *jn;
        if (!json_object_object_get_ex(json_object_array_get_idx(layers, (size_t)i), "name", &jn))
            continue;
        gp_layer *l = net->layers[i];
        for (int p = 0; p < l->nparams; p++) {
            gp_param *pa = &l->params[p];
            /* A quieter toRGB keeps most outputs inside [-1, 1], so the
             * [0, 1] images the public API returns are rarely clipped. */
            float sd = strcmp(pa->role, "weight") ? 0.1f
                       : strncmp(json_object_get_string(jn), "output", 6) ? 1.0f : 0.3f;
            for (size_t k = 0; k < pa->count; k++)
                pa->value[k] = sd * gp_rng_normal(&r);
        }
    }
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

bool testmodel_write_pggan(const char *path, int res, int latent, const int *channels,
                           uint64_t seed)
{
    json_object *layers = NULL, *arch = NULL;
    gp_net *net = testmodel_pggan_net(res, latent, channels, seed, false, &layers, &arch);
    bool ok = net != NULL;
    gp_st_entry *e = calloc(2 * (size_t)(net ? net->count : 1), sizeof *e);
    char (*names)[64] = calloc(2 * (size_t)(net ? net->count : 1), sizeof *names);
    int count = 0;
    for (int i = 0; ok && i < net->count; i++) {
        json_object *jn;
        if (!json_object_object_get_ex(json_object_array_get_idx(layers, (size_t)i), "name", &jn))
            continue;
        gp_layer *l = net->layers[i];
        for (int p = 0; p < l->nparams; p++) {
            gp_param *pa = &l->params[p];
            snprintf(names[count], sizeof names[count], "%s.%s", json_object_get_string(jn), pa->role);
            e[count] = (gp_st_entry){ names[count], pa->ndim, { 0 }, pa->value };
            memcpy(e[count].dims, pa->dims, sizeof pa->dims);
            count++;
        }
    }
    const char *kv[] = { "ganprior.arch", json_object_to_json_string(arch), "ganprior.name",
                         "random-test-pggan" };
    ok = ok && gp_safetensors_write(path, e, count, kv, 2, NULL) == GP_OK;
    free(e);
    free(names);
    gp_net_free(net);
    if (layers)
        json_object_put(layers);
    json_object_put(arch);
    return ok;
}
