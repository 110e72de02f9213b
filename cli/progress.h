/* progress.h — a one-line progress bar on stderr.
 *
 *   inpaint [##########----------]  250/500  loss 0.04132  12.3 s
 *
 * Drawn only when stderr is a terminal, so logs and pipes get nothing
 * but the final result; redrawn at most ten times a second so a fast
 * iteration loop does not spend its time writing to the terminal. */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>

typedef struct progress {
    const char *label;
    bool enabled;
    double start, last_draw; /* seconds on a monotonic clock */
} progress;

void progress_start(progress *p, const char *label);
void progress_update(progress *p, int iteration, int total, float loss);
/* Erases the bar so what follows starts on a clean line. */
void progress_finish(progress *p);

#endif
