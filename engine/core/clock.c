/* clock.c — the engine's one monotonic clock (gp_clock_seconds). */
#include "ganprior.h"

#include <time.h>

double gp_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
