/* net_fuse.c — network surgery: a built network rewritten into one that
 * computes the same numbers with fewer FLOPs.  Today one rewrite: each
 * nearest x2 up-sample followed by a 3x3, stride-1, pad-1 conv inside a
 * block becomes one upconv2d layer (see upconv2d.c for why it is 2.25x
 * cheaper). */
#include "nn/layer_kinds.h"
#include "nn/net.h"

#include <string.h>

/* Replaces upsample2 + conv2d(3x3, stride 1, pad 1) pairs that do not
 * straddle a block boundary; the conv's parameters move over as they are. */
static gp_layer *fused(const gp_layer *up, const gp_layer *conv)
{
    int k, stride, pad;
    if (strcmp(up->ops->kind, "upsample2") || !gp_conv2d_geometry(conv, &k, &stride, &pad) ||
        k != 3 || stride != 1 || pad != 1)
        return NULL;
    const gp_param *w = &conv->params[0];
    gp_layer *u = gp_upconv2d_new(w->dims[1], w->dims[0], conv->nparams > 1);
    if (!u)
        return NULL;
    for (int i = 0; i < conv->nparams; i++) {
        memcpy(u->params[i].value, conv->params[i].value, conv->params[i].count * sizeof(float));
        gp_param_changed(&u->params[i]);
    }
    return u;
}

static bool starts_block(const gp_net *net, int layer)
{
    for (int b = 0; b < net->nblocks; b++)
        if (net->block_start[b] == layer)
            return true;
    return false;
}

void gp_net_fuse_upconv(gp_net *net)
{
    for (int i = 0; i + 1 < net->count; i++) {
        if (starts_block(net, i + 1))
            continue;
        gp_layer *u = fused(net->layers[i], net->layers[i + 1]);
        if (!u)
            continue;
        gp_layer_free(net->layers[i]);
        gp_layer_free(net->layers[i + 1]);
        net->layers[i] = u;
        memmove(net->layers + i + 1, net->layers + i + 2,
                (size_t)(net->count - i - 2) * sizeof *net->layers);
        net->count--;
        for (int b = 0; b < net->nblocks; b++)
            if (net->block_start[b] > i)
                net->block_start[b]--;
    }
}
