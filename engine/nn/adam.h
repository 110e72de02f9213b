/* adam.h — the Adam optimiser (Kingma & Ba 2015, arXiv:1412.6980). */
#ifndef GP_ADAM_H
#define GP_ADAM_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gp_adam {
    size_t n;
    float beta1, beta2, eps;
    int t;
    float *m, *v;
} gp_adam;

bool gp_adam_init(gp_adam *a, size_t n);
void gp_adam_free(gp_adam *a);
/* One step of x -= lr * mhat / (sqrt(vhat) + eps) over n values. */
void gp_adam_step(gp_adam *a, float *x, const float *g, float lr);
/* The step for iteration it of total: lr cosine-decayed to 5% of itself,
 * the schedule of every optimiser in the engine. */
float gp_adam_cosine_lr(float lr, int it, int total);

#endif
