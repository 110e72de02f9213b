/* internal.h — what the bridge's files share; not for hosts. */
#ifndef GANPRIOR_BRIDGE_INTERNAL_H
#define GANPRIOR_BRIDGE_INTERNAL_H

#include "bridge.h"

#include <gegl.h>

/* A region of a layer read into float arrays, row-major. */
typedef struct gpb_pixels {
    GeglRectangle area; /* layer coordinates */
    gp_image rgb;       /* R'G'B' */
    gp_image alpha;     /* 1 channel */
} gpb_pixels;

/* ---- run.c ---- */

/* Fails (GP_ERR_UNSUPPORTED, naming it) when a GEGL operation the bridge
 * uses is not installed: a GEGL without its modules would fail deep
 * inside a graph. */
gp_status gpb_check_gegl(gp_error *err);

/* ---- region.c ---- */

/* The box around the selected pixels (above zero) of the layer, in layer
 * coordinates; empty (width 0) without a selection or when it covers no
 * pixel of the layer.  Reads the selection where GEGL keeps it. */
GeglRectangle gpb_selection_bounds(const gpb_input *in);
/* cover (allocated here) = the selection's values over area (layer
 * coordinates), in [0, 1]. */
gp_status gpb_selection_read(const gpb_input *in, const GeglRectangle *area, gp_image *cover,
                             gp_error *err);
/* Both over the whole layer: cover the layer's size, read only when
 * *bounds is not empty. */
gp_status gpb_selection(const gpb_input *in, GeglRectangle *bounds, gp_image *cover,
                        gp_error *err);

/* ---- resample.c ---- */

/* dst (allocated here, part's size) = the part of src resized with
 * LoHalo to width x height: gpb_resample_lohalo's pixels inside part. */
gp_status gpb_resample_lohalo_part(const gp_image *src, int width, int height,
                                   const GeglRectangle *part, gp_image *dst, gp_error *err);

/* ---- pixels.c ---- */

/* px = the layer's pixels inside area. */
gp_status gpb_read(GeglBuffer *layer, const GeglRectangle *area, gpb_pixels *px,
                   gp_error *err);
void gpb_pixels_release(gpb_pixels *px);
/* A new "R'G'B'A float" buffer holding rgb and alpha at area. */
GeglBuffer *gpb_to_buffer(const gp_image *rgb, const gp_image *alpha,
                          const GeglRectangle *area);

/* ---- the merges, one file each ---- */

/* The rectangle of the region (cover's size, region coordinates) whose
 * fill gpb_merge_inpaint reads: the selection's box grown by the solved
 * margin and the known pixels around it.  Empty when nothing is selected. */
GeglRectangle gpb_inpaint_reach(const gp_image *cover);
/* Replaces px->rgb where cover (px's size) > 0 by fill Poisson-cloned in,
 * blended by cover (soft selections stay soft); fill covers at (region
 * coordinates), which must hold gpb_inpaint_reach(cover). */
gp_status gpb_merge_inpaint(gpb_pixels *px, const gp_image *cover, const gp_image *fill,
                            const GeglRectangle *at, gp_error *err);
/* Replaces px->rgb's chroma by that of colour (any size: scaled to px's
 * bilinearly), keeping L*. */
gp_status gpb_merge_colorize(gpb_pixels *px, const gp_image *colour, gp_error *err);
/* hi (allocated here) = generated enlarged to factor x px's size, then
 * back-projected until its block means match px->rgb. */
gp_status gpb_merge_superres(const gpb_pixels *px, const gp_image *generated, int factor,
                             gp_image *hi, gp_error *err);

#endif
