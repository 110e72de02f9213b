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
 * Preparing the target (a picture and its selection brought to the
 * model's terms) is one function, gpb_target_prepare, shared by the
 * plug-in (through gpb_run) and both modes of the CLI; it and the area
 * resampler need no GEGL, so they are built even with -Dbridge=disabled.
 * gpb_run and gpb_resample_lohalo exist only in builds with GEGL, as does
 * the faces mode (gpb_run_faces): the faces of the layer found, the task
 * run on each in the model's frame and blended back.  Both hosts call
 * gpb_run or gpb_run_faces and nothing else of a run.
 *
 * Nothing here knows GIMP; the bridge never writes into its input.
 * This is the bridge's one public header: bridge_dep exports only this
 * folder.
 */
#ifndef GANPRIOR_BRIDGE_H
#define GANPRIOR_BRIDGE_H

#include "ganprior.h"

/* GEGL's buffer type, declared as gegl-buffer.h declares it, so that
 * this header compiles without GEGL; a host that makes buffers includes
 * <gegl.h> itself. */
typedef struct _GeglBuffer GeglBuffer;

/* ---- the target: a picture in the model's terms (no GEGL) ---------------- */

/* How a picture is brought to the model's size: src to width x height
 * into dst (allocated here).  gp_image_resample (ganprior.h; plain C,
 * area averaging when reducing) is the CLI's model-size mode. */
typedef gp_status (*gpb_resampler)(const gp_image *src, int width, int height, gp_image *dst,
                                   gp_error *err);

/* GEGL's LoHalo sampler (GEGL's and GIMP's high-quality one: antialiased
 * when reducing), edges clamped: what the plug-in uses.  Builds with GEGL
 * only. */
gp_status gpb_resample_lohalo(const gp_image *src, int width, int height, gp_image *dst,
                              gp_error *err);
/* Whether the super-resolution factor divides the model's size, the
 * condition gp_invert puts on it: the one check both hosts make, each
 * wording its own refusal. */
bool gpb_factor_fits(const gp_model_info *model, int factor);

/* A mask value above this is a hole: after resampling, every model
 * pixel the selection touches is one. */
#define GPB_HOLE_THRESHOLD 0.02f

typedef struct gpb_target {
    gp_image image; /* the task's target: RGB, model size (superres:
                       model size / factor) */
    gp_image mask;  /* inpaint: model size, 1 = hole, 0 elsewhere; else
                       empty (data NULL) */
} gpb_target;

/* Brings picture (RGB, any size) to the size gp_invert expects for
 * p->task, and for inpainting cover (picture-size, 1 channel, 0..1 how
 * much of each pixel is selected, or NULL) to a model-size hole mask
 * thresholded at GPB_HOLE_THRESHOLD, both with resample.  The factor
 * must fit (gpb_factor_fits): that is the caller's to check and word.
 * On failure out is left empty; release it with gpb_target_release. */
gp_status gpb_target_prepare(const gp_model_info *model, const gp_invert_params *p,
                             const gp_image *picture, const gp_image *cover,
                             gpb_resampler resample, gpb_target *out, gp_error *err);
void gpb_target_release(gpb_target *t);

/* ---- a face in the model's frame and back (GEGL builds only) -------------- */

/* The face's square: picture (RGB) resampled with GEGL's LoHalo through
 * to_model (gp_face_align: picture pixels -> the model's size x size
 * square) into crop (allocated here, size x size RGB), edges clamped. */
gp_status gpb_face_crop(const gp_image *picture, const gp_similarity *to_model, int size,
                        gp_image *crop, gp_error *err);

/* The face mask of a model square: an ellipse about the frame's five
 * points (centred between their mean x and midway from the eyes to the
 * mouth; GPB_FACE_MASK_WIDTH x GPB_FACE_MASK_HEIGHT inter-ocular distances
 * in radius), 1 inside, falling smoothly to 0 over the outer feather
 * (0..1) of its radius.  mask: size x size, 1 channel, allocated. */
#define GPB_FACE_MASK_WIDTH 1.1
#define GPB_FACE_MASK_HEIGHT 1.35
void gpb_face_mask(const float frame[5][2], int size, float feather, gp_image *mask);

/* out (allocated here) = picture with crop (the model's square, e.g. the
 * restored face) put back through the inverse of to_model, blended by the
 * feathered face mask carried through the same transform: pixels outside
 * the mask are picture's, bit for bit. */
gp_status gpb_face_paste(const gp_image *picture, const gp_image *crop, const gp_similarity *to_model,
                         const float frame[5][2], float feather, gp_image *out, gp_error *err);

/* ---- a whole filter call on GEGL buffers (GEGL builds only) --------------- */

typedef struct gpb_input {
    GeglBuffer *layer;      /* the pixels, any babl format; extent = the layer */
    GeglBuffer *selection;  /* NULL, or the selection mask in image coordinates */
    int offset_x, offset_y; /* the layer's origin in image coordinates */
} gpb_input;

typedef struct gpb_output {
    /* "R'G'B'A float".  Its extent is where the result belongs in layer
     * coordinates; for superres, the enlarged region with origin (0, 0). */
    GeglBuffer *buffer;
    gp_invert_report report; /* gpb_run_faces: summed over the faces (loss and
                                fit_psnr their means) */
    int faces;               /* gpb_run_faces: the faces restored; else 0 */
    int found;               /* gpb_run_faces: the faces found (inpaint:
                                faces >= 1 of them, those near the hole) */
} gpb_output;

/* The largest side a super-resolved result may have. */
#define GPB_MAX_SIDE 16384

/* Runs p->task (with p's method, progress callback and all) on in
 * through model m.  On GP_OK out->buffer holds a new buffer the caller
 * unrefs; on failure out is cleared and err says why in words for a
 * user (an empty selection, a region too small, a cancelled run, ...). */
gp_status gpb_run(gp_model *m, const gp_invert_params *p, const gpb_input *in,
                  gpb_output *out, gp_error *err);

/* ---- every face of a layer ("faces" mode; GEGL builds only) -------------- */

/* The most faces one call looks at. */
#define GPB_MAX_FACES 32
/* The outer part of the face mask's radius over which a restored face is
 * blended into the picture (gpb_face_mask's feather). */
#define GPB_FACE_FEATHER 0.3f

/* The faces mode, for both hosts: the faces of in's layer found by finder
 * (at most GPB_MAX_FACES, best first; with a selection, and for every task
 * but inpainting, only the faces whose five points' centre is selected, at
 * least half), and p->task run on each through the square model m: each
 * face cropped into the model's frame (gpb_face_crop; superres: at model
 * size / factor), inverted there, and put back with gpb_face_paste's
 * feathered face mask into a picture of the whole layer:
 *
 *   reconstruct  the layer with each face replaced by its reconstruction;
 *   colorize     the layer's own L* everywhere; a*, b* from the restored
 *                faces inside their masks and neutral (a* = b* = 0: the
 *                layer in gray) outside, the masks' feather making the
 *                change of chroma gradual (gpb_merge_colorize);
 *   inpaint      the selection is the hole (none: refused before any face
 *                is looked for); only the faces whose square holds some
 *                of it and not only hole are restored; the fill Poisson-
 *                cloned in (gpb_merge_inpaint) where the selection and a
 *                face mask overlap, weighted by both: only selected pixels
 *                change, and hole outside every face stays as it was;
 *   superres     the layer enlarged by the factor with LoHalo, each face
 *                super-resolved at model size and pasted at the new size,
 *                then the whole back-projected (gpb_merge_superres) so
 *                that it reduces to the layer: a face the model sees
 *                smaller than the picture shows it cannot blur it.
 *
 * Progress reports the faces in turn as one run: iteration i of face k
 * (of n) as k * total + i of n * total.  out->buffer covers the layer
 * (superres: the enlarged layer at (0, 0)); out->faces counts the faces
 * restored, out->found those found.  No face found (in the selection),
 * and for inpaint no face near the selection, fail with GP_ERR_ARGUMENT
 * and a message naming picture (the host's word for the layer, e.g. "the
 * layer" or a file name; NULL: "the layer") and ending with instead
 * (what the user can do instead, in the host's words; NULL: nothing).
 * On failure out is cleared and err says why in words for a user. */
gp_status gpb_run_faces(gp_model *m, gp_face_finder *finder, const gp_invert_params *p,
                        const gpb_input *in, const char *picture, const char *instead,
                        gpb_output *out, gp_error *err);

#endif
