/* test_threads.c — the OpenBLAS thread count a search picks
 * (nn/threads.h): the policy's arithmetic, a user's count left alone,
 * and without one a count between 1 and the cores. */
#include "nn/threads.h"
#include "check.h"

#include <cblas.h>
#include <stdlib.h>

static void check_policy(void)
{
    const int cases[][3] = { /* cores, others ready to run, threads */
        { 2, 0, 2 }, { 2, 1, 1 }, { 2, 2, 1 }, { 2, 9, 1 }, { 8, 1, 7 }, { 8, 0, 8 },
        { 1, 0, 1 }, { 4, -1, 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(gp_threads_for(cases[i][0], cases[i][1]) == cases[i][2], "%d cores, %d others: %d threads, not %d",
              cases[i][0], cases[i][1], gp_threads_for(cases[i][0], cases[i][1]), cases[i][2]);
}

int main(void)
{
    check_policy();
    /* The suite runs with OPENBLAS_NUM_THREADS=2: a user's choice stays. */
    openblas_set_num_threads(2);
    setenv("OPENBLAS_NUM_THREADS", "2", 1);
    gp_threads_fit_load();
    CHECK(openblas_get_num_threads() == 2, "the user's 2 threads became %d", openblas_get_num_threads());
    unsetenv("OPENBLAS_NUM_THREADS");
    unsetenv("GOTO_NUM_THREADS");
    unsetenv("OMP_NUM_THREADS");
    gp_threads_fit_load();
    int n = openblas_get_num_threads();
    CHECK(n >= 1 && n <= openblas_get_num_procs(), "%d threads on %d cores", n, openblas_get_num_procs());
    return CHECK_DONE();
}
