/* gegl_start.c — GEGL for the CLI (gegl_start.h). */
#include "gegl_start.h"

#include <gegl.h>
#include <stdbool.h>
#include <stdlib.h>

/* Once per process: GEGL, with its swap off: the pictures the CLI takes
 * fit in memory (GP_PICTURE_MAX_PIXELS), and a process ended by a second
 * Ctrl-C could not remove a swap file.  (GEGL_SWAP=RAM says the same only
 * to newer GEGLs; Debian 12's makes a folder named RAM.) */
void cli_gegl_start(void)
{
    static bool started;
    if (started)
        return;
    started = true;
    gegl_init(NULL, NULL);
    g_object_set(gegl_config(), "swap", NULL, NULL);
    atexit(gegl_exit);
}
