/* discriminator.c — the adversarial terms of generator tuning: the
 * non-saturating generator loss of Goodfellow et al. ("Generative
 * Adversarial Nets", NeurIPS 2014), as a global term over the whole logit
 * map and a local one over the region being filled, the pair the
 * generator tuning of "Near Perfect GAN Inversion" (Feng et al. 2022)
 * adds to its pixel loss.
 *
 * The network is only read: its layers never get gradient buffers, so
 * the backward pass computes the image gradient and nothing else.
 */
#include "loss/discriminator.h"

#include "model/arch.h"
#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gp_disc {
    gp_net *net;
    gp_trace *trace;  /* [1, 3, H, W] -> [1, 1, h, w] */
    gp_shape out;     /* the logit grid */
    float *rho;       /* [h * w]: the region, normalised to sum 1 (or all 0) */
    float *dlogits;   /* [h * w] */
    float *dimage;    /* [3, H, W] */
};

/* The input must be g's images.  A wrong channel count means the file is
 * no discriminator (FORMAT); a wrong size, one made for another generator
 * (ARGUMENT). */
static gp_status check_input(gp_shape in, const char *path, const void *ctx, gp_error *err)
{
    const gp_model_info *g = ctx;
    if (in.c != 3)
        return gp_fail(err, GP_ERR_FORMAT, "%s: a discriminator takes 3-channel images, this one "
                       "takes %d-channel ones", path, in.c);
    if (in.h != g->height || in.w != g->width)
        return gp_fail(err, GP_ERR_ARGUMENT, "%s: the discriminator takes %dx%d images, the model "
                       "%s makes %dx%d", path, in.w, in.h, g->name, g->width, g->height);
    return GP_OK;
}

static gp_status build(gp_disc *d, gp_safetensors *st, const gp_model_info *g, gp_error *err)
{
    gp_status s = gp_arch_load_sequential(st, "a discriminator", check_input, g, &d->net, err);
    if (s == GP_OK && (!gp_net_shape_at(d->net, d->net->count, 1, &d->out) || d->out.c != 1))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: a discriminator gives one channel of logits, this "
                    "one gives %d", gp_safetensors_path(st), d->out.c);
    return s;
}

static bool alloc_buffers(gp_disc *d)
{
    const size_t n = gp_shape_count(d->out);
    d->trace = gp_trace_new(d->net, 0, d->net->count, d->net->in);
    d->rho = malloc(n * sizeof(float));
    d->dlogits = malloc(n * sizeof(float));
    d->dimage = malloc(gp_shape_count(d->net->in) * sizeof(float));
    return d->trace && d->rho && d->dlogits && d->dimage;
}

gp_status gp_disc_load(const char *path, const gp_model_info *g, gp_disc **out, gp_error *err)
{
    *out = NULL;
    gp_safetensors *st;
    gp_status s = gp_safetensors_open(path, &st, err);
    if (s != GP_OK)
        return s;
    gp_disc *d = calloc(1, sizeof *d);
    s = d ? build(d, st, g, err) : gp_fail(err, GP_ERR_MEMORY, "out of memory");
    gp_safetensors_close(st);
    if (s == GP_OK && !alloc_buffers(d))
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory for the discriminator %s", path);
    if (s != GP_OK) {
        gp_disc_free(d);
        return s;
    }
    gp_disc_set_region(d, NULL);
    *out = d;
    return GP_OK;
}

void gp_disc_free(gp_disc *d)
{
    if (!d)
        return;
    gp_trace_free(d->trace);
    gp_net_free(d->net);
    free(d->rho);
    free(d->dlogits);
    free(d->dimage);
    free(d);
}

gp_shape gp_disc_logit_shape(const gp_disc *d) { return d->out; }

/* Pixels [*lo, *hi) of cell j when size pixels are split into n cells:
 * as even as integers allow, at least one pixel each. */
static void cell_span(int j, int n, int size, int *lo, int *hi)
{
    *lo = (int)((long)j * size / n);
    *hi = (int)((long)(j + 1) * size / n);
    if (*hi <= *lo)
        *hi = *lo + 1;
}

/* The mean of roi [H * W] over logit cell (i, j). */
static double box_mean(const gp_disc *d, const float *roi, int i, int j)
{
    const int H = d->net->in.h, W = d->net->in.w;
    int y0, y1, x0, x1;
    cell_span(i, d->out.h, H, &y0, &y1);
    cell_span(j, d->out.w, W, &x0, &x1);
    double sum = 0.0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            sum += roi[(size_t)y * W + x];
    return sum / ((double)(y1 - y0) * (x1 - x0));
}

void gp_disc_set_region(gp_disc *d, const float *roi)
{
    const int h = d->out.h, w = d->out.w;
    double total = 0.0;
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            double v = roi ? box_mean(d, roi, i, j) : 1.0;
            d->rho[i * w + j] = (float)v;
            total += v;
        }
    for (int k = 0; k < h * w; k++)
        d->rho[k] = total > 0.0 ? (float)(d->rho[k] / total) : 0.0f;
}

const float *gp_disc_logits(gp_disc *d, const float *x)
{
    memcpy(gp_trace_input(d->trace), x, gp_shape_count(d->net->in) * sizeof(float));
    return gp_trace_forward(d->trace);
}

/* softplus(-l) = log(1 + e^-l), without overflow for either sign. */
static float softplus_neg(float l)
{
    return fmaxf(-l, 0.0f) + log1pf(expf(-fabsf(l)));
}

float gp_disc_loss(gp_disc *d, const float *x, float weight_global, float weight_local,
                   float *dx)
{
    const float *l = gp_disc_logits(d, x);
    const size_t n = gp_shape_count(d->out);
    double loss = 0.0;
    for (size_t j = 0; j < n; j++) {
        /* Both terms weigh the same f(l_j), so they share one coefficient;
         * d softplus(-l) / dl = -sigmoid(-l) = -1 / (1 + e^l). */
        const float c = weight_global / (float)n + weight_local * d->rho[j];
        loss += (double)c * softplus_neg(l[j]);
        d->dlogits[j] = -c / (1.0f + expf(l[j]));
    }
    if (dx) {
        gp_trace_backward(d->trace, d->dlogits, d->dimage);
        const size_t npix = gp_shape_count(d->net->in);
        for (size_t i = 0; i < npix; i++)
            dx[i] += d->dimage[i];
    }
    return (float)loss;
}
