/* layer.c — parameter bookkeeping shared by every layer. */
#include "nn/layer.h"

#include <stdlib.h>
#include <string.h>

bool gp_param_init(gp_param *p, const char *role, int ndim, const int *dims)
{
    memset(p, 0, sizeof *p);
    p->role = role;
    p->ndim = ndim;
    p->count = 1;
    for (int i = 0; i < ndim; i++) {
        p->dims[i] = dims[i];
        p->count *= (size_t)dims[i];
    }
    p->value = calloc(p->count ? p->count : 1, sizeof(float));
    return p->value != NULL;
}

void gp_param_release(gp_param *p)
{
    free(p->value);
    free(p->grad);
    p->value = p->grad = NULL;
}

bool gp_layer_init_weight_bias(gp_layer *l, int ndim, const int *wdims, int nbias,
                               bool bias)
{
    l->nparams = 1;
    if (!gp_param_init(&l->params[0], "weight", ndim, wdims))
        return false;
    if (!bias)
        return true;
    l->nparams = 2;
    return gp_param_init(&l->params[1], "bias", 1, &nbias);
}

bool gp_layer_enable_grads(gp_layer *l, bool on)
{
    for (int i = 0; i < l->nparams; i++) {
        gp_param *p = &l->params[i];
        if (!on) {
            free(p->grad);
            p->grad = NULL;
        } else if (!p->grad) {
            p->grad = calloc(p->count ? p->count : 1, sizeof(float));
            if (!p->grad)
                return false;
        }
    }
    return true;
}

void gp_layer_zero_grads(gp_layer *l)
{
    for (int i = 0; i < l->nparams; i++)
        if (l->params[i].grad)
            memset(l->params[i].grad, 0, l->params[i].count * sizeof(float));
}

void gp_layer_free(gp_layer *l)
{
    if (l)
        l->ops->destroy(l);
}

void gp_layer_destroy_plain(gp_layer *l)
{
    for (int i = 0; i < l->nparams; i++)
        gp_param_release(&l->params[i]);
    free(l);
}

bool gp_layer_prepare(gp_layer *l, gp_shape in)
{
    return !l->ops->prepare || l->ops->prepare(l, in);
}

bool gp_derived_reserve(gp_derived *d, size_t count)
{
    if (d->data && d->count == count)
        return true;
    float *p = malloc((count ? count : 1) * sizeof(float));
    if (!p)
        return false;
    free(d->data);
    *d = (gp_derived){ .data = p, .count = count };
    return true;
}

bool gp_derived_stale(gp_derived *d, const gp_param *p)
{
    if (d->valid && d->version == p->version)
        return false;
    d->valid = true;
    d->version = p->version;
    return true;
}

void gp_derived_release(gp_derived *d)
{
    free(d->data);
    *d = (gp_derived){ 0 };
}
