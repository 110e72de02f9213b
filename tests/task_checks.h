/* task_checks.h — what every inversion method must do on an image its
 * own generator made: the four tasks, each judged in its own terms, and
 * a progress callback that cancels.  Shared by the tests of each method
 * (test_invert.c, test_subspace_invert.c), which differ only in the
 * parameters they run with. */
#ifndef GP_TEST_TASK_CHECKS_H
#define GP_TEST_TASK_CHECKS_H

#include "ganprior.h"

/* The small random PGGAN-32 every method's test inverts: written to
 * path (size bytes, under testmodel_tmpdir()) and loaded; NULL, with a
 * failed CHECK, when either fails. */
gp_model *task_model_load(char *path, size_t size);

/* The parameters of a method for one task. */
typedef gp_invert_params (*task_params_fn)(gp_task task);

/* Runs every task on y = G(z*) with params(task) and CHECKs the result:
 * reconstruct >= 30 dB, inpaint >= 28 dB on the known pixels, colorize
 * >= 30 dB in luminance, super-resolution x4 >= 20 dB against y. */
void check_every_task(gp_model *m, const gp_image *y, task_params_fn params);

/* A progress callback: records the iteration in *(int *)user and asks to
 * stop from iteration 5 on. */
bool cancel_at_5(void *user, int iteration, int total, float loss);

#endif
