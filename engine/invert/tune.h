/* tune.h — generator tuning after the code search (engine-internal). */
#ifndef GP_TUNE_H
#define GP_TUNE_H

#include "invert/compose.h"
#include "loss/discriminator.h"
#include "model/model.h"

/* The task loss of an image x ([3, H, W], the model's range); leaves
 * dL/dx in the job's dx buffer. */
typedef float (*gp_tune_loss_fn)(void *ctx, const float *x);

typedef struct gp_tune_job {
    gp_model *m;
    const gp_invert_params *p;
    gp_composer *k;       /* its z and alpha: the pivot, held fixed */
    gp_tune_loss_fn loss;
    void *ctx;
    const float *dx;      /* where loss leaves its gradient */
    gp_disc *disc;        /* adversarial terms' network, or NULL: none */
    float *best;          /* out: the image of the lowest task loss */
    float best_loss;      /* out */
    int steps;            /* out: weight updates made */
} gp_tune_job;

/* Tunes the weights p->tune.steps times from the pivot (PTI), keeping
 * the best image; rng draws the nearby codes of the locality term.  On
 * every path the model's weights come back bit for bit and its
 * gradient buffers are freed. */
gp_status gp_tune(gp_tune_job *j, gp_rng *rng, gp_error *err);

#endif
