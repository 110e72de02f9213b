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
    p->composition.codes = 20;
    p->composition.split_block = -1; /* auto: see gp_invert */
    /* Measured on the default model's own layers before the split (its
     * 32 px stage, 8 held-out faces; bench/results/speed.md, "Fewer
     * iterations"): a step of 0.1 instead of 0.05 gave reconstruction
     * +1.6 dB at 300 iterations and single-code +0.1-0.3 dB on every task,
     * while the hole, the colours and the enlargement stop improving by
     * 200 (within 0.12 dB of 300 at 0.05), so those tasks stop there. */
    p->search.iterations = task == GP_TASK_RECONSTRUCT ? 300 : 200;
    p->search.learning_rate = 0.1f;
    /* Off: on the default model's 64 px stage (EMA at 263 kimg, 4 held-out
     * faces, 20 codes) the SqueezeNet term at 0.5 / 0.05 / 0 gave
     * reconstruction 17.80 / 21.12 / 23.51 dB, the hole 17.00 / 19.52 /
     * 19.44, colorization 15.70 / 18.15 / 18.43, with colour noise at 0.5:
     * its relative-L1 taps outweigh the pixel MSE ~50 times.  It also costs
     * 14 % of an iteration (bench/results/speed.md).  --perceptual W. */
    p->search.perceptual_weight = 0.0f;
    p->search.restarts = 4;
    p->superres_factor = 4;
    p->search.plateau_tolerance = 1e-3f;
    p->search.plateau_window = 50;
    p->search.seed = 0;
    p->search.start = GP_START_RANDOM;
    /* The paper's 2 is for its loss scale; here, with a celeba32 encoder
     * trained 12 minutes (16 dB alone), 0, 0.01, 0.1 and 1 gave 19.9,
     * 19.6, 18.5 and 17.1 dB on reconstruction and 17.7, 17.8, 17.8 and
     * 17.7 (hole) on inpainting (bench/results/indomain.md). */
    p->indomain.domain_weight = 0.01f;
    p->subspace.codes_per_subspace = 4;
    p->subspace.weights = true;
    p->tune.steps = 0;
    p->tune.all = false;
    p->tune.learning_rate = 3e-3f;
    p->tune.locality_weight = 0.1f;
    p->tune.locality_radius = 0.5f;
    /* Off: with a discriminator trained for the 32 px CelebA DCGAN, no
     * weight tried raised inpainting's hole PSNR beyond noise, most
     * lowered it (by up to 5.6 dB), and reconstruction stayed within
     * 0.1 dB (bench/results/regularisers.md). */
    p->tune.adversarial_weight = 0.0f;
    p->tune.adversarial_local_weight = 0.0f;
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
