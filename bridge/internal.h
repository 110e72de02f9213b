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

/* The selection's coverage of the layer: cover (allocated here, the
 * layer's size) holds its values in [0, 1] and *bounds the box around
 * the selected pixels (layer coordinates).  Without a selection, or
 * with one that covers no pixel of the layer, *bounds is empty (width
 * 0) and cover untouched. */
gp_status gpb_selection(const gpb_input *in, GeglRectangle *bounds, gp_image *cover,
                        gp_error *err);

/* ---- pixels.c ---- */

/* px = the layer's pixels inside area. */
gp_status gpb_read(GeglBuffer *layer, const GeglRectangle *area, gpb_pixels *px,
                   gp_error *err);
void gpb_pixels_release(gpb_pixels *px);
/* A new "R'G'B'A float" buffer holding rgb and alpha at area. */
GeglBuffer *gpb_to_buffer(const gp_image *rgb, const gp_image *alpha,
                          const GeglRectangle *area);

/* ---- the merges, one file each ---- */

/* Replaces px->rgb where cover > 0 by fill Poisson-cloned in, blended
 * by cover (soft selections stay soft); fill is px's size. */
gp_status gpb_merge_inpaint(gpb_pixels *px, const gp_image *cover, const gp_image *fill,
                            gp_error *err);
/* Replaces px->rgb's chroma by that of colour (px's size), keeping L*. */
gp_status gpb_merge_colorize(gpb_pixels *px, const gp_image *colour, gp_error *err);
/* hi (allocated here) = generated enlarged to factor x px's size, then
 * back-projected until its block means match px->rgb. */
gp_status gpb_merge_superres(const gpb_pixels *px, const gp_image *generated, int factor,
                             gp_image *hi, gp_error *err);

#endif
