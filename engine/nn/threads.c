/* threads.c — how many OpenBLAS threads a search's GEMMs use.
 *
 * On an idle two-core machine two OpenBLAS threads beat one by 1.5x; when
 * another process keeps the cores busy they lose by 1.9x, because every
 * SGEMM waits until its second thread gets a core (bench/results/speed.md,
 * "A busy machine").  So each search counts the threads of other
 * processes ready to run (Linux: procs_running in /proc/stat, which
 * counts the reader too; the least of a few readings 1 ms apart, so a
 * moment's burst does not count) and uses the cores they leave.  The
 * 1-minute load average would be the obvious signal, but it still holds
 * the previous search's own threads for a minute after it ends. */
#include "nn/threads.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { READINGS = 8 };

int gp_threads_for(int cores, int others)
{
    int t = cores - (others > 0 ? others : 0);
    return t < 1 ? 1 : t > cores ? cores : t;
}

/* Threads ready to run now, this one included; -1 if unknown. */
static int running_now(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    char line[256];
    int n = -1;
    while (n < 0 && fgets(line, sizeof line, f))
        if (strncmp(line, "procs_running ", 14) == 0)
            n = atoi(line + 14);
    fclose(f);
    return n;
}

void gp_threads_fit_load(void)
{
    if (getenv("OPENBLAS_NUM_THREADS") || getenv("GOTO_NUM_THREADS") || getenv("OMP_NUM_THREADS"))
        return;
    int least = -1;
    for (int i = 0; i < READINGS; i++) {
        int n = running_now();
        if (n < 0)
            return;
        if (least < 0 || n < least)
            least = n;
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    const int want = gp_threads_for(openblas_get_num_procs(), least - 1);
    if (want != openblas_get_num_threads())
        openblas_set_num_threads(want);
}
