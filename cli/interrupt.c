/* interrupt.c — Ctrl-C.  The first one asks the work in hand to stop (the
 * engine at its next progress callback, a file being written before it
 * replaces its destination); a second one ends the process at once, with
 * the temporary file of a write in progress removed first, so nothing is
 * left behind either way.  Everything here is async-signal-safe. */
#include "cli.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t interrupts;
static volatile sig_atomic_t have_temp;
static char temp_path[PATH_MAX];

static void on_sigint(int sig)
{
    (void)sig;
    if (++interrupts < 2)
        return;
    if (have_temp)
        unlink(temp_path);
    _exit(EXIT_CANCELLED);
}

void cli_catch_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

bool cli_interrupted(void) { return interrupts != 0; }

void cli_temp_file(const char *path)
{
    have_temp = 0;
    if (path && strlen(path) < sizeof temp_path) {
        memcpy(temp_path, path, strlen(path) + 1);
        have_temp = 1;
    }
}

int cli_temp_create(char *tmp, int suffix_len)
{
    int fd = mkstemps(tmp, suffix_len);
    if (fd < 0)
        return -1;
    /* mkstemps makes it 0600; a picture gets the mode any new file would. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    cli_temp_file(tmp);
    return fd;
}
