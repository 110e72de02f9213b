/* params.c — default inversion settings per task.
 * The numbers are starting points measured on the face models; see
 * README.md (Defaults) for how they were chosen. */
#include "ganprior.h"

#include <string.h>

void gp_invert_params_default(gp_invert_params *p, gp_task task)
{
    memset(p, 0, sizeof *p);
    p->task = task;
    p->method = GP_METHOD_MULTICODE;
    p->codes = 20;
    p->split_block = -1; /* auto: see gp_invert */
    p->iterations = 300;
    p->learning_rate = 0.05f;
    p->perceptual_weight = 0.5f;
    p->restarts = 4;
    p->superres_factor = 4;
    p->plateau_tolerance = 1e-3f;
    p->plateau_window = 50;
    p->seed = 0;
    p->codes_per_subspace = 4;
    p->subspace_weights = true;
    p->tune_steps = 0;
    p->tune_all = false;
    p->tune_learning_rate = 3e-3f;
    p->tune_locality_weight = 0.1f;
    p->tune_locality_radius = 0.5f;
    /* Off: with a discriminator trained for the 32 px CelebA DCGAN, no
     * weight tried raised inpainting's hole PSNR beyond noise, most
     * lowered it (by up to 5.6 dB), and reconstruction stayed within
     * 0.1 dB (bench/results/regularisers.md). */
    p->tune_adversarial_weight = 0.0f;
    p->tune_adversarial_local_weight = 0.0f;
}

void gp_subspace_params_default(gp_subspace_params *p)
{
    memset(p, 0, sizeof *p);
    p->split_block = -1;
    p->subspaces = 8;
    p->steps = 400;
    p->batch = 8;
    p->learning_rate = 0.01f;
    p->output_weight = 1.0f;
    p->sparsity = GP_SPARSITY_L1;
    p->sparsity_weight = 1.0f;
    p->keep = 0.2f;
    p->seed = 0;
}
