/* pggan.c — the progressive-GAN generator family (Karras et al. 2018,
 * arXiv:1710.10196) in the genforce / mGANprior tensor layout, expanded
 * into a sequential layer list (see models/README.md). */
#include "model/arch.h"

#include <math.h>
#include <stdio.h>

static void add(json_object *a, json_object *o) { json_object_array_add(a, o); }

static json_object *layer(const char *type)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string(type));
    return o;
}

static void set_int(json_object *o, const char *k, int v)
{
    json_object_object_add(o, k, json_object_new_int(v));
}

/* One genforce ConvBlock: pixel-norm, [up-sample], conv without bias and
 * with the equalised-lr scale folded in, bias, activation. */
static void conv_block(json_object *a, const char *name, int cin, int cout, int k,
                       int pad, bool up, double gain, bool lrelu)
{
    json_object *pn = layer("pixelnorm");
    json_object_object_add(pn, "block", json_object_new_boolean(1));
    add(a, pn);
    if (up)
        add(a, layer("upsample2"));
    char buf[64];
    json_object *conv = layer("conv2d");
    snprintf(buf, sizeof buf, "%s.conv", name);
    json_object_object_add(conv, "name", json_object_new_string(buf));
    set_int(conv, "cin", cin);
    set_int(conv, "cout", cout);
    set_int(conv, "k", k);
    set_int(conv, "pad", pad);
    json_object_object_add(conv, "bias", json_object_new_boolean(0));
    json_object_object_add(conv, "scale", json_object_new_double(gain / sqrt((double)cin * k * k)));
    add(a, conv);
    json_object *bias = layer("bias");
    snprintf(buf, sizeof buf, "%s.wscale", name);
    json_object_object_add(bias, "name", json_object_new_string(buf));
    set_int(bias, "c", cout);
    add(a, bias);
    if (lrelu) {
        json_object *act = layer("lrelu");
        json_object_object_add(act, "slope", json_object_new_double(0.2));
        add(a, act);
    }
}

json_object *gp_pggan_layers(json_object *arch, gp_shape *in, char *why, size_t why_size)
{
    json_object *jr, *jz, *jc;
    if (!json_object_object_get_ex(arch, "resolution", &jr) ||
        !json_object_object_get_ex(arch, "latent_size", &jz) ||
        !json_object_object_get_ex(arch, "channels", &jc) ||
        !json_object_is_type(jc, json_type_array)) {
        snprintf(why, why_size, "pggan architecture needs resolution, latent_size and channels");
        return NULL;
    }
    int res = json_object_get_int(jr), z = json_object_get_int(jz);
    int levels = 0;
    /* Bounded first: 4 << levels must not run past INT_MAX. */
    while (res <= 4096 && (4 << levels) < res)
        levels++;
    if (res < 4 || res > 4096 || (4 << levels) != res || z <= 0 || z > 65536 ||
        (int)json_object_array_length(jc) != levels + 1) {
        snprintf(why, why_size, "pggan resolution must be a power of two >= 4 with one channel count per level (%d given for %d levels)",
                 (int)json_object_array_length(jc), levels + 1);
        return NULL;
    }
    json_object *a = json_object_new_array();
    double g = sqrt(2.0);
    int prev = z;
    char name[32];
    for (int i = 0; i <= levels; i++) {
        int nf = json_object_get_int(json_object_array_get_idx(jc, (size_t)i));
        if (nf <= 0 || nf > 65536) {
            json_object_put(a);
            snprintf(why, why_size, "pggan channel count %d is out of range", nf);
            return NULL;
        }
        snprintf(name, sizeof name, "layer%d", 2 * i);
        conv_block(a, name, prev, nf, i ? 3 : 4, i ? 1 : 3, i > 0, g, true);
        snprintf(name, sizeof name, "layer%d", 2 * i + 1);
        conv_block(a, name, nf, nf, 3, 1, false, g, true);
        prev = nf;
    }
    snprintf(name, sizeof name, "output%d", levels);
    conv_block(a, name, prev, 3, 1, 0, false, 1.0, false);
    *in = (gp_shape){ 1, z, 1, 1 };
    return a;
}
