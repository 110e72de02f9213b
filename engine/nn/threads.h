/* threads.h — how many OpenBLAS threads a search's GEMMs use. */
#ifndef GP_NN_THREADS_H
#define GP_NN_THREADS_H

/* Before a search: unless the user chose a thread count
 * (OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS), sets
 * OpenBLAS to the cores other processes leave free, at least one. */
void gp_threads_fit_load(void);

/* The policy: cores minus threads of other processes ready to run,
 * clamped to 1..cores. */
int gp_threads_for(int cores, int others);

#endif
