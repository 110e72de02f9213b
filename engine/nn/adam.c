/* adam.c — Adam with bias correction. */
#include "nn/adam.h"

#include <math.h>
#include <stdlib.h>

bool gp_adam_init(gp_adam *a, size_t n)
{
    *a = (gp_adam){ .n = n, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f };
    a->m = calloc(n ? n : 1, sizeof(float));
    a->v = calloc(n ? n : 1, sizeof(float));
    if (!a->m || !a->v) {
        gp_adam_free(a);
        return false;
    }
    return true;
}

void gp_adam_free(gp_adam *a)
{
    free(a->m);
    free(a->v);
    a->m = a->v = NULL;
}

void gp_adam_step(gp_adam *a, float *x, const float *g, float lr)
{
    a->t++;
    const float c1 = 1.0f - powf(a->beta1, (float)a->t);
    const float c2 = 1.0f - powf(a->beta2, (float)a->t);
    const float step = lr * sqrtf(c2) / c1;
    for (size_t i = 0; i < a->n; i++) {
        a->m[i] = a->beta1 * a->m[i] + (1.0f - a->beta1) * g[i];
        a->v[i] = a->beta2 * a->v[i] + (1.0f - a->beta2) * g[i] * g[i];
        x[i] -= step * a->m[i] / (sqrtf(a->v[i]) + a->eps * sqrtf(c2));
    }
}

float gp_adam_cosine_lr(float lr, int it, int total)
{
    double t = (double)it / (double)total;
    return lr * (float)(0.05 + 0.95 * 0.5 * (1.0 + cos(3.141592653589793 * t)));
}
