/* gegl_start.c — GEGL for the CLI (gegl_start.h). */
#include "gegl_start.h"

#include <gegl.h>
#include <stdbool.h>
#include <stdlib.h>

/* Once per process: GEGL, with its swap off: the pictures the CLI takes
 * fit in memory (GP_PICTURE_MAX_PIXELS), and a process ended by a second
 * Ctrl-C could not remove a swap file.  (GEGL_SWAP=RAM says the same only
 * to newer GEGLs; Debian 12's makes a folder named RAM.)
 * babl's conversion cache (~/.cache/babl, shared with GIMP) is not read:
 * once its pixel counts have grown, babl 0.1.98 spends 1.5 s and 330 MB
 * at every start on it.  Nor is it written: babl writes it in
 * babl_exit, which gegl_exit calls, and with the cache not read it would
 * replace GIMP's with this run's few conversions; so gegl_exit is not
 * called (with the swap off it has no file to remove, and the process
 * ends right after).  A user's own BABL_INHIBIT_CACHE setting is kept. */
void cli_gegl_start(void)
{
    static bool started;
    if (started)
        return;
    started = true;
    setenv("BABL_INHIBIT_CACHE", "1", 0);
    gegl_init(NULL, NULL);
    g_object_set(gegl_config(), "swap", NULL, NULL);
}
