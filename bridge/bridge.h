/* bridge.h — the image glue between a host's GEGL buffers and the engine.
 *
 * A host (the GIMP plug-in) hands over a layer and the selection as GEGL
 * buffers; the bridge picks the region to work on, converts it through
 * babl to the engine's float images, resamples it to the model's size
 * with GEGL, runs the inversion, and merges the generator's image back
 * at the region's full resolution:
 *
 *   reconstruct  the generated image, scaled to the region;
 *   inpaint      the region with only the selected pixels replaced, the
 *                generated fill Poisson-cloned into its surroundings;
 *   colorize     the region's own CIE L* at full resolution, a* and b*
 *                from the generated image (chroma reduced where the
 *                colour would leave the sRGB gamut, so L* survives);
 *   superres     the region enlarged by the factor, corrected so that
 *                its factor x factor block means reproduce the region.
 *
 * The region: the selection's bounding box within the layer, or the
 * whole layer without a selection.  Inpainting is the exception: the
 * selection is the hole and the whole layer is its context.
 *
 * Nothing here knows GIMP; the bridge never writes into its input.
 */
#ifndef GANPRIOR_BRIDGE_H
#define GANPRIOR_BRIDGE_H

#include <gegl.h>

#include "ganprior.h"

typedef struct gpb_input {
    GeglBuffer *layer;      /* the pixels, any babl format; extent = the layer */
    GeglBuffer *selection;  /* NULL, or the selection mask in image coordinates */
    int offset_x, offset_y; /* the layer's origin in image coordinates */
} gpb_input;

typedef struct gpb_output {
    /* "R'G'B'A float".  Its extent is where the result belongs in layer
     * coordinates; for superres, the enlarged region with origin (0, 0). */
    GeglBuffer *buffer;
    gp_invert_report report;
} gpb_output;

/* The largest side a super-resolved result may have. */
#define GPB_MAX_SIDE 16384

/* Runs p->task (with p's method, progress callback and all) on in
 * through model m.  On GP_OK out->buffer holds a new buffer the caller
 * unrefs; on failure out is cleared and err says why in words for a
 * user (an empty selection, a region too small, a cancelled run, ...). */
gp_status gpb_run(gp_model *m, const gp_invert_params *p, const gpb_input *in,
                  gpb_output *out, gp_error *err);

#endif
