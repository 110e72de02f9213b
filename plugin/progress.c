/* progress.c — running a filter under GIMP's progress bar, for both front
 * ends (the progress calls are the same in 2.10 and 3.0).  Updates go
 * over the plug-in's pipe to GIMP, so they are sent only when the bar
 * moves by a percent. */
#include <libgimp/gimp.h>

#include "filters.h"

static bool show_progress(void *user, int iteration, int total, float loss)
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

gp_status gpp_run_with_progress(const gpp_filter *f, const gpp_options *o, gpb_input *in,
                                gpb_output *out, gp_error *err)
{
    int shown = -1;
    gimp_progress_init(f->blurb);
    gp_status s = gpp_run(f, o, in, show_progress, &shown, out, err);
    gimp_progress_end();
    g_object_unref(in->layer);
    if (in->selection)
        g_object_unref(in->selection);
    return s;
}
