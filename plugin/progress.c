/* progress.c — the engine's progress in GIMP's progress bar, for both
 * front ends (gimp_progress_update is the same call in 2.10 and 3.0).
 * Updates go over the plug-in's pipe to GIMP, so they are sent only when
 * the bar moves by a percent. */
#include <libgimp/gimp.h>

#include "filters.h"

bool gpp_progress(void *user, int iteration, int total, float loss)
{
    int *shown = user; /* the last percent sent */
    (void)loss;
    const int percent = total > 0 ? (int)(100.0 * iteration / total) : 0;
    if (percent != *shown) {
        *shown = percent;
        gimp_progress_update(percent / 100.0);
    }
    return true;
}
