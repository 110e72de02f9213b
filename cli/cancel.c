/* cancel.c — Ctrl-C as the engine's cancel, shared by the commands that
 * run long: the first Ctrl-C asks the engine to stop at its next
 * progress callback; the handler then resets, so a second one ends the
 * process at once. */
#include "cli.h"
#include "progress.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

void cli_catch_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

bool cli_interrupted(void) { return interrupted != 0; }

bool cli_progress(void *bar, int iteration, int total, float loss)
{
    progress_update(bar, iteration, total, loss);
    return !interrupted;
}
