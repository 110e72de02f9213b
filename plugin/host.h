/* host.h — the GIMP calls that differ between 2.10 and 3.0: one small
 * function each, implemented once in gimp2.c and once in gimp3.c.  The
 * run flow built on them (run.c) and the progress with its Stop button
 * (progress.c) are written once for both. */
#ifndef GANPRIOR_PLUGIN_HOST_H
#define GANPRIOR_PLUGIN_HOST_H

#include "filters.h"

/* The front end's view of one call: the image, the source layer, and
 * where the result went.  Defined in gimp2.c / gimp3.c. */
typedef struct gpp_host gpp_host;

bool gpp_host_image_is_indexed(const gpp_host *h);
bool gpp_host_image_is_gray(const gpp_host *h);
bool gpp_host_source_is_layer(const gpp_host *h);
/* New references the caller unrefs: the source layer's pixels, and the
 * selection mask (NULL when nothing is selected). */
GeglBuffer *gpp_host_source_buffer(gpp_host *h);
GeglBuffer *gpp_host_selection_buffer(gpp_host *h);
/* The source layer's origin in image coordinates. */
void gpp_host_source_offsets(const gpp_host *h, int *x, int *y);

/* The result goes either into a new image (made with undo disabled
 * until gpp_host_new_image_done) or into the source image inside one
 * undo group. */
void gpp_host_new_image(gpp_host *h, int width, int height, bool gray);
void gpp_host_new_image_done(gpp_host *h);
void gpp_host_undo_group(gpp_host *h, bool start);
/* A new layer named name of width x height in the result's image: at
 * the top of a new image, or right above the source layer at (x, y) in
 * image coordinates.  Returns its buffer (a new reference) to fill;
 * gpp_host_layer_done then tells GIMP its pixels changed. */
GeglBuffer *gpp_host_new_layer(gpp_host *h, const char *name, int x, int y, int width,
                               int height, bool gray);
void gpp_host_layer_done(gpp_host *h, int width, int height);

/* ---- written once on top of the above ---- */

/* run.c: the filter on the host's source layer: refusals (indexed
 * image, not a layer), the run through the bridge under progress.c's
 * progress (with_ui: a window of the plug-in's own with a Stop button;
 * gimp_ui_init must have been called), and on success the result placed
 * (gpp_result_in_new_image).  On failure, cancel included, the image is
 * exactly as it was and err says why for a GIMP user. */
gp_status gpp_filter_run(const gpp_filter *f, const gpp_options *o, gpp_host *h, bool with_ui,
                         gp_error *err);

/* progress.c: gpp_run under GIMP's progress bar, and with_ui a Stop
 * button that cancels the engine.  Does not touch in's buffers. */
gp_status gpp_run_with_progress(const gpp_filter *f, const gpp_options *o, const gpb_input *in,
                                bool with_ui, gpb_output *out, gp_error *err);

#endif
