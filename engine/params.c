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
}
