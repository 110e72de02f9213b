/* progress.c — the terminal progress bar (see progress.h). */
#include "progress.h"

#include "ganprior.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

enum { BAR_WIDTH = 24 };
static const double REDRAW_SECONDS = 0.1;

void progress_start(progress *p, const char *label)
{
    p->label = label;
    p->enabled = isatty(STDERR_FILENO);
    p->start = gp_clock_seconds();
    p->last_draw = -1.0;
}

static void draw(const progress *p, int iteration, int total, float loss, double t)
{
    char bar[BAR_WIDTH + 1];
    int filled = total > 0 ? (int)((long long)BAR_WIDTH * iteration / total) : 0;
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    /* \r back to the line start, \033[K clears what a longer line left;
     * the count is padded to the width of the total so it stays put. */
    /* A step without a loss (finding faces) shows none. */
    char fit[32] = "";
    if (isfinite(loss))
        snprintf(fit, sizeof fit, "  loss %.5g", (double)loss);
    fprintf(stderr, "\r%s [%s] %*d/%d%s  %.1f s\033[K", p->label, bar,
            snprintf(NULL, 0, "%d", total), iteration, total, fit, t - p->start);
    fflush(stderr);
}

void progress_update(progress *p, int iteration, int total, float loss)
{
    if (!p->enabled)
        return;
    double t = gp_clock_seconds();
    if (t - p->last_draw < REDRAW_SECONDS && iteration < total)
        return;
    p->last_draw = t;
    draw(p, iteration, total, loss, t);
}

void progress_finish(progress *p)
{
    if (p->enabled && p->last_draw >= 0.0) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}
