/* threads.c — how many OpenBLAS threads a search's GEMMs use.
 *
 * On an idle two-core machine two OpenBLAS threads beat one by 1.5x; when
 * another process keeps the cores busy they lose by 1.9x, because every
 * SGEMM waits until its second thread gets a core (bench/results/speed.md,
 * "A busy machine").  So each search counts the threads of other
 * processes ready to run (Linux: procs_running in /proc/stat less this
 * process's own running threads, OpenBLAS's spinning workers among them;
 * the least of a few readings 1 ms apart, so a moment's burst does not
 * count) and uses the cores they leave.  The 1-minute load average would
 * be the obvious signal, but it still holds the previous search's own
 * threads for a minute after it ends. */
#include "nn/threads.h"

#include <cblas.h>
#include <dirent.h>
#include <stdbool.h>
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

/* This process's threads ready to run now (state R). */
static int own_running(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[64], line[512];
        snprintf(path, sizeof path, "/proc/self/task/%.20s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        const char *state = fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
        n += state && state[1] == ' ' && state[2] == 'R';
        fclose(f);
    }
    closedir(d);
    return n > 0 ? n : 1;
}

/* Threads of other processes ready to run now; false if unknown. */
static bool others_running(int *others)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return false;
    char line[256];
    int n = -1;
    while (n < 0 && fgets(line, sizeof line, f))
        if (strncmp(line, "procs_running ", 14) == 0)
            n = atoi(line + 14);
    fclose(f);
    if (n < 0)
        return false;
    *others = n - own_running();
    return true;
}

void gp_threads_fit_load(void)
{
    if (getenv("OPENBLAS_NUM_THREADS") || getenv("GOTO_NUM_THREADS") || getenv("OMP_NUM_THREADS"))
        return;
    int least;
    if (!others_running(&least))
        return;
    for (int i = 1; i < READINGS; i++) {
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
        int n;
        if (!others_running(&n))
            return;
        if (n < least)
            least = n;
    }
    const int want = gp_threads_for(openblas_get_num_procs(), least);
    if (want != openblas_get_num_threads())
        openblas_set_num_threads(want);
}
