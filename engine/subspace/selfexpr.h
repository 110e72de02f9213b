/* selfexpr.h — the self-expressive layer of PmSFC (Li et al., AAAI 2021):
 * a coefficient matrix C [c, c] with zero diagonal that rebuilds each
 * channel of the generator's feature at a split from the others,
 * F ≈ C·F, learnt from generator samples; and the affinity between
 * channels read from it. */
#ifndef GP_SELFEXPR_H
#define GP_SELFEXPR_H

#include "model/model.h"

typedef struct gp_selfexpr_figures {
    int steps;
    float feature_loss;   /* mean((F - C·F)^2), last steps' mean */
    float output_loss;    /* mean((G2(F) - G2(C·F))^2), same */
    float sparsity;       /* S(C): mean|C| (L1) or mean(C^2) (L2) */
    float feature_energy; /* mean(F^2): the scale feature_loss compares to */
} gp_selfexpr_figures;

/* Learns coef [c, c] (c = channels at layer `split` > 0) with Adam on
 *   mean((F - C·F)^2) + b0 mean((G2(F) - G2(C·F))^2) + b1 S(C)
 * over fresh latents every step, as p says.  Calls p->progress once per
 * step; GP_ERR_CANCELLED when it returns false. */
gp_status gp_selfexpr_learn(gp_model *m, int split, const gp_subspace_params *p, float *coef,
                            gp_selfexpr_figures *fig, gp_error *err);

/* The channel affinity a [c, c] = |T| + |T|ᵀ, T = coef with each row cut
 * to its largest entries up to `keep` of the row's L1 mass (the Deep
 * Subspace Clustering post-processing).  False when out of memory. */
bool gp_selfexpr_affinity(const float *coef, int c, float keep, float *a);

#endif
