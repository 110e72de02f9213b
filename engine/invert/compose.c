/* compose.c — multi-code feature composition (mGANprior, Gu et al., CVPR
 * 2020) and its masked, per-subspace form (PmSFC, Li et al., AAAI 2021),
 * with their gradients. */
#include "invert/compose.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

bool gp_composer_init(gp_composer *k, const gp_net *net, int split, int n)
{
    memset(k, 0, sizeof *k);
    k->net = net;
    k->split = split;
    k->n = n;
    k->latent = (int)gp_shape_plane(net->in);
    gp_shape f;
    if (n < 1 || (split == 0 && n != 1) || !gp_net_shape_at(net, split, 1, &f))
        return false;
    k->c = f.c;
    k->hw = f.h * f.w;
    gp_shape in = net->in;
    in.n = n;
    if (split > 0 && !(k->g1 = gp_trace_new(net, 0, split, in)))
        goto fail;
    if (!(k->g2 = gp_trace_new(net, split, net->count, f)))
        goto fail;
    size_t feat = (size_t)k->c * k->hw, codes = (size_t)n * k->latent;
    k->z = calloc(codes, sizeof(float));
    k->dz = calloc(codes, sizeof(float));
    k->alpha = malloc((size_t)n * k->c * sizeof(float));
    k->dalpha = calloc((size_t)n * k->c, sizeof(float));
    k->dfeat = malloc((size_t)n * feat * sizeof(float));
    k->df = malloc(feat * sizeof(float));
    if (!k->z || !k->dz || !k->alpha || !k->dalpha || !k->dfeat || !k->df)
        goto fail;
    for (size_t i = 0; i < (size_t)n * k->c; i++)
        k->alpha[i] = 1.0f / (float)n;
    return true;
fail:
    gp_composer_free(k);
    return false;
}

void gp_composer_free(gp_composer *k)
{
    gp_trace_free(k->g1);
    gp_trace_free(k->g2);
    free(k->z);
    free(k->dz);
    free(k->alpha);
    free(k->mask);
    free(k->dalpha);
    free(k->dfeat);
    free(k->df);
    memset(k, 0, sizeof *k);
}

bool gp_composer_mask_subspaces(gp_composer *k, const int *labels, int subspaces, int per)
{
    assert(k->n == subspaces * per + 1 && "the composer was made for K*per + 1 codes");
    if (!(k->mask = malloc((size_t)k->n * k->c * sizeof(float))))
        return false;
    for (int t = 0; t < k->n; t++)
        for (int c = 0; c < k->c; c++) {
            bool feeds = t == k->n - 1 || labels[c] == t / per;
            k->mask[t * k->c + c] = feeds ? 1.0f : 0.0f;
            k->alpha[t * k->c + c] = feeds ? 1.0f / (float)(per + 1) : 0.0f;
        }
    return true;
}

static float mask_at(const gp_composer *k, int i) { return k->mask ? k->mask[i] : 1.0f; }

/* The N features at the split: G1's output, or the codes themselves. */
static const float *features(gp_composer *k)
{
    if (!k->g1)
        return k->z;
    memcpy(gp_trace_input(k->g1), k->z, (size_t)k->n * k->latent * sizeof(float));
    return gp_trace_forward(k->g1);
}

const float *gp_composer_forward(gp_composer *k)
{
    const float *feat = features(k);
    float *f = gp_trace_input(k->g2);
    const size_t hw = (size_t)k->hw;
    memset(f, 0, (size_t)k->c * hw * sizeof(float));
    for (int n = 0; n < k->n; n++)
        for (int c = 0; c < k->c; c++) {
            const float a = k->alpha[n * k->c + c];
            const float *src = feat + ((size_t)n * k->c + c) * hw;
            float *dst = f + (size_t)c * hw;
            if (mask_at(k, n * k->c + c) == 0.0f)
                continue;
            for (size_t i = 0; i < hw; i++)
                dst[i] += a * src[i];
        }
    return gp_trace_forward(k->g2);
}

void gp_composer_backward(gp_composer *k, const float *dx)
{
    gp_trace_backward(k->g2, dx, k->df);
    const float *feat = k->g1 ? gp_trace_output(k->g1) : k->z;
    const size_t hw = (size_t)k->hw;
    for (int n = 0; n < k->n; n++)
        for (int c = 0; c < k->c; c++) {
            const float a = k->alpha[n * k->c + c];
            const float *src = feat + ((size_t)n * k->c + c) * hw, *g = k->df + (size_t)c * hw;
            float *d = k->dfeat + ((size_t)n * k->c + c) * hw;
            double s = 0.0;
            if (mask_at(k, n * k->c + c) == 0.0f) { /* code n does not feed channel c */
                memset(d, 0, hw * sizeof(float));
                k->dalpha[n * k->c + c] = 0.0f;
                continue;
            }
            for (size_t i = 0; i < hw; i++) {
                s += (double)g[i] * src[i];
                d[i] = a * g[i];
            }
            k->dalpha[n * k->c + c] = (float)s;
        }
    if (k->g1)
        gp_trace_backward(k->g1, k->dfeat, k->dz);
    else
        memcpy(k->dz, k->dfeat, (size_t)k->latent * sizeof(float));
}
