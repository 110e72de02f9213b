/* run.c — one filter call: region, model-size target, inversion, merge. */
#include "internal.h"

#include <string.h>

/* Smaller regions hold too little of a picture to fit a model to. */
enum { MIN_SIDE = 4 };
/* Inpainting sees the selection's box with this many times its longer
 * side around it on every side (as far as the layer goes): on a face crop
 * with a hole of a quarter of its size, the whole crop as before; on a big
 * photo, the neighbourhood of the hole rather than a whole layer in which
 * the hole shrinks to a few pixels at model size. */
#define INPAINT_CONTEXT 1.5

typedef struct job {
    gp_model *m;
    const gp_invert_params *p;
    const gp_model_info *info;
    GeglRectangle bounds; /* the selection's box; width 0 when none */
    gp_image cover;       /* the selection over the region */
    gpb_pixels px;        /* the region */
    gpb_target target;    /* in the model's terms */
    gp_image generated, result;
} job;

static void job_release(job *j)
{
    gp_image_release(&j->cover);
    gpb_pixels_release(&j->px);
    gpb_target_release(&j->target);
    gp_image_release(&j->generated);
    gp_image_release(&j->result);
}

/* The selection's box with INPAINT_CONTEXT of context, within the layer. */
static GeglRectangle around(const GeglRectangle *box, const GeglRectangle *layer)
{
    const int side = box->width > box->height ? box->width : box->height;
    const int m = (int)(INPAINT_CONTEXT * side + 0.5);
    GeglRectangle r = { box->x - m, box->y - m, box->width + 2 * m, box->height + 2 * m };
    gegl_rectangle_intersect(&r, &r, layer);
    return r;
}

/* The region: the selection's box (inpainting: with its context), or
 * the layer without a selection; inpainting reads the selection over it. */
static gp_status choose_region(job *j, const gpb_input *in, GeglRectangle *area, gp_error *err)
{
    const GeglRectangle *layer = gegl_buffer_get_extent(in->layer);
    j->bounds = gpb_selection_bounds(in);
    const bool inpaint = j->p->task == GP_TASK_INPAINT;
    if (inpaint && j->bounds.width == 0)
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "Inpainting fills the selection, and nothing of this layer is selected: "
                       "select the damaged parts first.");
    *area = j->bounds.width == 0 ? *layer : inpaint ? around(&j->bounds, layer) : j->bounds;
    if (area->width < MIN_SIDE || area->height < MIN_SIDE)
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "The region is only %dx%d pixels; it needs at least %dx%d.",
                       area->width, area->height, MIN_SIDE, MIN_SIDE);
    if (j->p->task == GP_TASK_SUPERRES &&
        (long)(area->width > area->height ? area->width : area->height) *
                j->p->superres_factor > GPB_MAX_SIDE)
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "Enlarged %d times, the %dx%d region would exceed %d pixels a side; "
                       "select a smaller region or a smaller factor.",
                       j->p->superres_factor, area->width, area->height, GPB_MAX_SIDE);
    return inpaint ? gpb_selection_read(in, area, &j->cover, err) : GP_OK;
}

/* The target and mask through the one preparation the CLI shares, then
 * the refusals a GIMP user needs in words of selections and layers. */
static gp_status make_target(job *j, gp_error *err)
{
    const int f = j->p->task == GP_TASK_SUPERRES ? j->p->superres_factor : 1;
    if (!gpb_factor_fits(j->info, f))
        return gp_fail(err, GP_ERR_ARGUMENT, "A factor of %d does not divide the model's %dx%d.",
                       f, j->info->width, j->info->height);
    gp_status s = gpb_target_prepare(j->info, j->p, &j->px.rgb, &j->cover, gpb_resample_lohalo,
                                     &j->target, err);
    if (s != GP_OK || j->p->task != GP_TASK_INPAINT)
        return s;
    const size_t n = (size_t)j->info->width * j->info->height;
    size_t holes = 0;
    for (size_t i = 0; i < n; i++)
        holes += j->target.mask.data[i] > 0.0f;
    if (holes == n)
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "The selection covers the whole layer: nothing is left around it to "
                       "fill it from.  Select only the damaged parts.");
    return GP_OK;
}

/* j->result (and, for superres, a new alpha) from j->generated. */
static gp_status merge(job *j, gp_image *alpha, gp_error *err)
{
    const int w = j->px.rgb.width, h = j->px.rgb.height;
    gp_status s;
    switch (j->p->task) {
    case GP_TASK_SUPERRES:
        s = gpb_merge_superres(&j->px, &j->generated, j->p->superres_factor, &j->result, err);
        if (s == GP_OK)
            s = gpb_resample_lohalo(&j->px.alpha, j->result.width, j->result.height, alpha, err);
        return s;
    case GP_TASK_RECONSTRUCT:
        return gpb_resample_lohalo(&j->generated, w, h, &j->result, err);
    case GP_TASK_COLORIZE: /* scales the colours itself, a strip at a time */
        return gpb_merge_colorize(&j->px, &j->generated, err);
    case GP_TASK_INPAINT: { /* the fill is needed only around the hole */
        const GeglRectangle reach = gpb_inpaint_reach(&j->cover);
        s = gpb_resample_lohalo_part(&j->generated, w, h, &reach, &j->result, err);
        return s == GP_OK ? gpb_merge_inpaint(&j->px, &j->cover, &j->result, &reach, err) : s;
    }
    }
    return gp_fail(err, GP_ERR_ARGUMENT, "unknown task %d", (int)j->p->task);
}

static gp_status emit(job *j, gp_image *alpha, gpb_output *out, gp_error *err)
{
    const bool superres = j->p->task == GP_TASK_SUPERRES;
    /* Colorize and inpaint merge into the region's own pixels. */
    const gp_image *rgb = j->p->task == GP_TASK_COLORIZE || j->p->task == GP_TASK_INPAINT
                              ? &j->px.rgb
                              : &j->result;
    const GeglRectangle at = superres ? (GeglRectangle){ 0, 0, rgb->width, rgb->height }
                                      : j->px.area;
    out->buffer = gpb_to_buffer(rgb, superres ? alpha : &j->px.alpha, &at);
    return out->buffer ? GP_OK : gp_fail(err, GP_ERR_MEMORY, "out of memory for the result");
}

gp_status gpb_check_gegl(gp_error *err)
{
    static const char *const needed[] = { "gegl:buffer-source", "gegl:scale-size",
                                          "gegl:transform" };
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (!gegl_has_operation(needed[i]))
            return gp_fail(err, GP_ERR_UNSUPPORTED,
                           "GEGL's operation %s is not installed (is GEGL_PATH right?).",
                           needed[i]);
    return GP_OK;
}

gp_status gpb_run(gp_model *m, const gp_invert_params *p, const gpb_input *in,
                  gpb_output *out, gp_error *err)
{
    memset(out, 0, sizeof *out);
    if (gpb_check_gegl(err) != GP_OK)
        return err ? err->status : GP_ERR_UNSUPPORTED;
    job j = { .m = m, .p = p, .info = gp_model_get_info(m) };
    gp_image alpha = { 0 };
    GeglRectangle area;
    gp_status s = choose_region(&j, in, &area, err);
    if (s == GP_OK && (long long)area.width * area.height > GP_PICTURE_MAX_PIXELS)
        s = gp_fail(err, GP_ERR_ARGUMENT,
                    "The part of the layer this filter works on is %dx%d pixels, more than the %lld "
                    "megapixels it handles.  Select a smaller part, or scale the image down first.",
                    area.width, area.height, GP_PICTURE_MAX_PIXELS / 1000000);
    if (s == GP_OK)
        s = gpb_read(in->layer, &area, &j.px, err);
    if (s == GP_OK)
        s = make_target(&j, err);
    if (s == GP_OK)
        s = gp_invert(m, p, &j.target.image, p->task == GP_TASK_INPAINT ? &j.target.mask : NULL,
                      &j.generated, &out->report, err);
    if (s == GP_OK)
        s = merge(&j, &alpha, err);
    if (s == GP_OK)
        s = emit(&j, &alpha, out, err);
    gp_image_release(&alpha);
    job_release(&j);
    return s;
}
