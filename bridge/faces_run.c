/* faces_run.c — a filter call on every face of a layer ("faces" mode).
 *
 * Old photos are portraits and groups, not aligned crops.  Each face the
 * engine finds is mapped by a similarity transform onto the model's frame
 * (gp_face_align), resampled there with GEGL (gpb_face_crop), restored by
 * the engine, and put back through the inverse transform with a feathered
 * face mask (gpb_face_paste) into a picture of the whole layer; the task's
 * own merge (merge_*.c) then decides what of it the result keeps, as in a
 * call on the whole layer (run.c).  Faces are done one after the other,
 * each pasted over the result so far, so overlapping faces blend in turn.
 *
 * Colorize's choice outside the faces: neutral chroma (the layer in gray,
 * a* = b* = 0), reached gradually across each mask's feather, rather than
 * the layer's own (a sepia cast would meet the faces' colours at a seam)
 * or a chroma extended from the faces (which paints hair and clothes with
 * skin tones). */
#include "internal.h"

#include <string.h>

typedef struct faces_job {
    gp_model *m;
    const gp_invert_params *p;
    const gp_model_info *info;
    float frame[5][2];
    int factor;         /* superres: the factor; else 1 */
    gpb_pixels px;      /* the whole layer */
    gp_image cover;     /* inpaint: the selection over the layer */
    gp_image cover_rgb; /* inpaint: the same in three channels, to crop */
    gp_image acc;       /* the faces pasted so far, into the task's base */
    gp_image reach;     /* inpaint: the face masks so far (first channel) */
    gp_image alpha;     /* superres: the layer's alpha enlarged */
    gp_invert_report report;
    int done;
} faces_job;

static void job_release(faces_job *j)
{
    gpb_pixels_release(&j->px);
    gp_image_release(&j->cover);
    gp_image_release(&j->cover_rgb);
    gp_image_release(&j->acc);
    gp_image_release(&j->reach);
    gp_image_release(&j->alpha);
}

/* ---- progress across faces -------------------------------------------- */

typedef struct across {
    gp_progress_fn fn;
    void *user;
    int index, count;
} across;

static bool across_faces(void *user, int iteration, int total, float loss)
{
    const across *a = user;
    return a->fn(a->user, a->index * total + iteration, a->count * total, loss);
}

/* ---- finding ------------------------------------------------------------- */

static void centre(const gp_face *f, float c[2])
{
    float pts[5][2];
    gp_face_five(f, pts);
    c[0] = c[1] = 0.0f;
    for (int i = 0; i < 5; i++)
        c[0] += pts[i][0] / 5.0f, c[1] += pts[i][1] / 5.0f;
}

/* The faces of rgb (the whole layer) into faces, best first, at most
 * GPB_MAX_FACES, count into *n: with a selection, and for every task but
 * inpainting (whose selection is the hole: run_face leaves the faces away
 * from it), only those whose five points' centre is selected (at least
 * half), and *selected says so.  The finding reports to p's progress
 * (its detector runs; a big photo takes seconds) and stops when told. */
static gp_status find(gp_face_finder *f, const gp_invert_params *p, const gpb_input *in,
                      const gp_image *rgb, gp_face *faces, int *n, bool *selected, gp_error *err)
{
    GeglRectangle bounds;
    gp_image cover = { 0 };
    int found = 0;
    gp_face_params fp;
    gp_face_params_default(&fp);
    fp.progress = p->progress;
    fp.progress_user = p->progress_user;
    gp_status s = gp_faces_find(f, &fp, rgb, faces, GPB_MAX_FACES, &found, err);
    if (s == GP_OK && p->task != GP_TASK_INPAINT)
        s = gpb_selection(in, &bounds, &cover, err);
    if (s == GP_OK && cover.data) {
        int kept = 0;
        for (int i = 0; i < found; i++) {
            float c[2];
            centre(&faces[i], c);
            const int x = (int)c[0], y = (int)c[1];
            if (x >= 0 && y >= 0 && x < cover.width && y < cover.height &&
                cover.data[(size_t)y * cover.width + x] >= 0.5f)
                faces[kept++] = faces[i];
        }
        found = kept;
    }
    *n = s == GP_OK ? found : 0;
    *selected = cover.data != NULL;
    gp_image_release(&cover);
    return s;
}

/* ---- one face ------------------------------------------------------------ */

/* The inpainting mask of face's square (crop size), cut from the
 * selection through to_model. */
static gp_status crop_cover(const faces_job *j, const gp_similarity *to_model, int size,
                            gp_image *cover, gp_error *err)
{
    gp_image rgb = { 0 };
    gp_status s = gpb_face_crop(&j->cover_rgb, to_model, size, &rgb, err);
    if (s == GP_OK && gp_image_alloc(cover, size, size, 1) != GP_OK)
        s = gp_fail(err, GP_ERR_MEMORY, "out of memory for a face's mask");
    for (size_t i = 0; s == GP_OK && i < (size_t)size * size; i++)
        cover->data[i] = rgb.data[i * 3];
    gp_image_release(&rgb);
    return s;
}

/* Whether the face's hole leaves the engine something to do: some hole,
 * and some known pixels to fit. */
static bool worth_filling(const gp_image *mask)
{
    const size_t n = (size_t)mask->width * mask->height;
    size_t holes = 0;
    for (size_t i = 0; i < n; i++)
        holes += mask->data[i] > 0.0f;
    return holes > 0 && holes < n;
}

/* out = base with img pasted through to_model; base released. */
static gp_status paste_over(gp_image *base, const gp_image *img, const gp_similarity *to_model,
                            const float frame[5][2], gp_error *err)
{
    gp_image next = { 0 };
    gp_status s = gpb_face_paste(base, img, to_model, frame, GPB_FACE_FEATHER, &next, err);
    if (s == GP_OK) {
        gp_image_release(base);
        *base = next;
    }
    return s;
}

static void add_report(faces_job *j, const gp_invert_report *r)
{
    gp_invert_report *t = &j->report;
    const bool first = j->done == 0;
    t->iterations += r->iterations;
    t->tune_steps += r->tune_steps;
    t->seconds += r->seconds;
    t->loss += r->loss, t->fit_psnr += r->fit_psnr; /* means at the end */
    t->perceptual = first ? r->perceptual : t->perceptual && r->perceptual;
    t->adversarial = first ? r->adversarial : t->adversarial && r->adversarial;
    j->done++;
}

static gp_status run_face(faces_job *j, const gp_face *face, across *progress, gp_error *err)
{
    const int size = j->info->width, small = size / j->factor;
    const bool inpaint = j->p->task == GP_TASK_INPAINT;
    gp_similarity to_model;
    gp_image crop = { 0 }, cover = { 0 }, generated = { 0 }, white = { 0 };
    gpb_target target = { 0 };
    gp_invert_report r;
    gp_status s = gp_face_align(face, (const float (*)[2])j->frame, small, &to_model, NULL, err);
    if (s == GP_OK)
        s = gpb_face_crop(&j->px.rgb, &to_model, small, &crop, err);
    if (s == GP_OK && inpaint)
        s = crop_cover(j, &to_model, small, &cover, err);
    if (s == GP_OK) /* the crop is already the target's size: the area filter copies it */
        s = gpb_target_prepare(j->info, j->p, &crop, inpaint ? &cover : NULL, gp_image_resample,
                               &target, err);
    if (s != GP_OK || (inpaint && !worth_filling(&target.mask)))
        goto out; /* inpaint: a face away from the hole (or all hole) is left */
    gp_invert_params q = *j->p;
    if (q.progress) {
        q.progress = across_faces;
        q.progress_user = progress;
    }
    s = gp_invert(j->m, &q, &target.image, inpaint ? &target.mask : NULL, &generated, &r, err);
    /* superres: placed in the enlarged layer, the same transform with its
     * translation scaled */
    for (int k = 0; k < 2; k++)
        to_model.m[k][2] *= j->factor;
    if (s == GP_OK)
        s = paste_over(&j->acc, &generated, &to_model, (const float (*)[2])j->frame, err);
    if (s == GP_OK && inpaint) {
        if (gp_image_alloc(&white, size, size, 3) != GP_OK)
            s = gp_fail(err, GP_ERR_MEMORY, "out of memory for a face's mask");
        for (size_t i = 0; s == GP_OK && i < (size_t)size * size * 3; i++)
            white.data[i] = 1.0f;
        if (s == GP_OK)
            s = paste_over(&j->reach, &white, &to_model, (const float (*)[2])j->frame, err);
    }
    if (s == GP_OK)
        add_report(j, &r);
out:
    gp_image_release(&crop);
    gp_image_release(&cover);
    gp_image_release(&generated);
    gp_image_release(&white);
    gpb_target_release(&target);
    return s;
}

/* ---- the whole layer ----------------------------------------------------- */

/* inpaint: the selection over the layer (and in three channels, to crop
 * per face), and the face masks' union, empty so far. */
static gp_status start_inpaint(faces_job *j, const gpb_input *in, gp_error *err)
{
    const gp_image *rgb = &j->px.rgb;
    const size_t n = (size_t)rgb->width * rgb->height;
    GeglRectangle bounds;
    gp_status s = gpb_selection(in, &bounds, &j->cover, err);
    if (s != GP_OK)
        return s;
    if (bounds.width == 0)
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "Inpainting fills the selection, and nothing of this layer is selected: "
                       "select the damaged parts first.");
    if (gp_image_alloc(&j->cover_rgb, rgb->width, rgb->height, 3) != GP_OK ||
        gp_image_alloc(&j->reach, rgb->width, rgb->height, 3) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for the selection");
    for (size_t i = 0; i < n * 3; i++)
        j->cover_rgb.data[i] = j->cover.data[i / 3];
    return GP_OK;
}

/* j->acc: what the faces are pasted into; and superres's alpha. */
static gp_status start(faces_job *j, gp_error *err)
{
    const gp_image *rgb = &j->px.rgb;
    const size_t n = (size_t)rgb->width * rgb->height;
    switch (j->p->task) {
    case GP_TASK_SUPERRES: {
        const int w = rgb->width * j->factor, h = rgb->height * j->factor;
        gp_status s = gpb_resample_lohalo(rgb, w, h, &j->acc, err);
        return s == GP_OK ? gpb_resample_lohalo(&j->px.alpha, w, h, &j->alpha, err) : s;
    }
    case GP_TASK_COLORIZE: /* neutral chroma: R' = G' = B' (Rec. 601 luma) */
        if (gp_image_alloc(&j->acc, rgb->width, rgb->height, 3) != GP_OK)
            return gp_fail(err, GP_ERR_MEMORY, "out of memory for the layer");
        for (size_t i = 0; i < n; i++) {
            const float *p = rgb->data + i * 3;
            const float y = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
            j->acc.data[i * 3] = j->acc.data[i * 3 + 1] = j->acc.data[i * 3 + 2] = y;
        }
        return GP_OK;
    case GP_TASK_INPAINT: /* the fill starts as the layer */
    case GP_TASK_RECONSTRUCT:
        if (gp_image_alloc(&j->acc, rgb->width, rgb->height, 3) != GP_OK)
            return gp_fail(err, GP_ERR_MEMORY, "out of memory for the layer");
        memcpy(j->acc.data, rgb->data, n * 3 * sizeof(float));
        return GP_OK;
    }
    return gp_fail(err, GP_ERR_ARGUMENT, "unknown task %d", (int)j->p->task);
}

/* The task's merge of the pasted faces; the result's pixels into *rgb. */
static gp_status merge(faces_job *j, const gp_image **rgb, gp_error *err)
{
    const size_t n = (size_t)j->px.rgb.width * j->px.rgb.height;
    switch (j->p->task) {
    case GP_TASK_RECONSTRUCT:
        *rgb = &j->acc;
        return GP_OK;
    case GP_TASK_SUPERRES: { /* back-projected onto the layer as a whole */
        gp_image hi = { 0 };
        gp_status s = gpb_merge_superres(&j->px, &j->acc, j->factor, &hi, err);
        if (s == GP_OK) {
            gp_image_release(&j->acc);
            j->acc = hi;
        }
        *rgb = &j->acc;
        return s;
    }
    case GP_TASK_COLORIZE:
        *rgb = &j->px.rgb;
        return gpb_merge_colorize(&j->px, &j->acc, err);
    case GP_TASK_INPAINT:
        for (size_t i = 0; i < n; i++) /* selected and inside a face's mask */
            j->cover.data[i] *= j->reach.data[i * 3];
        *rgb = &j->px.rgb;
        return gpb_merge_inpaint(&j->px, &j->cover, &j->acc,
                                 GEGL_RECTANGLE(0, 0, j->acc.width, j->acc.height), err);
    }
    return gp_fail(err, GP_ERR_ARGUMENT, "unknown task %d", (int)j->p->task);
}

static gp_status check_model(const faces_job *j, gp_error *err)
{
    if (j->info->width != j->info->height)
        return gp_fail(err, GP_ERR_UNSUPPORTED, "Faces need a square model; %s is %dx%d.",
                       j->info->name, j->info->width, j->info->height);
    if (!gpb_factor_fits(j->info, j->factor))
        return gp_fail(err, GP_ERR_ARGUMENT, "A factor of %d does not divide the model's %dx%d.",
                       j->factor, j->info->width, j->info->height);
    const GeglRectangle *e = &j->px.area;
    if ((long)(e->width > e->height ? e->width : e->height) * j->factor > GPB_MAX_SIDE)
        return gp_fail(err, GP_ERR_ARGUMENT,
                       "Enlarged %d times, the %dx%d layer would exceed %d pixels a side.",
                       j->factor, e->width, e->height, GPB_MAX_SIDE);
    return GP_OK;
}

/* The layer read into j->px, and the refusals that need no face. */
static gp_status prepare(faces_job *j, const gpb_input *in, gp_error *err)
{
    const GeglRectangle *layer = gegl_buffer_get_extent(in->layer);
    if ((long long)layer->width * layer->height > GP_PICTURE_MAX_PIXELS)
        return gp_fail(err, GP_ERR_ARGUMENT, "The layer is %dx%d pixels, more than the %lld "
                       "megapixels this filter handles.", layer->width, layer->height,
                       GP_PICTURE_MAX_PIXELS / 1000000);
    gp_status s = gpb_read(in->layer, layer, &j->px, err);
    if (s == GP_OK)
        s = check_model(j, err);
    if (s == GP_OK && j->p->task == GP_TASK_INPAINT)
        s = start_inpaint(j, in, err);
    return s;
}

gp_status gpb_run_faces(gp_model *m, gp_face_finder *finder, const gp_invert_params *p,
                        const gpb_input *in, const char *picture, const char *instead,
                        gpb_output *out, gp_error *err)
{
    memset(out, 0, sizeof *out);
    if (gpb_check_gegl(err) != GP_OK)
        return err ? err->status : GP_ERR_UNSUPPORTED;
    faces_job j = { .m = m, .p = p, .info = gp_model_get_info(m),
                    .factor = p->task == GP_TASK_SUPERRES ? p->superres_factor : 1 };
    gp_model_face_frame(m, j.frame);
    gp_face faces[GPB_MAX_FACES];
    int n = 0;
    bool selected = false;
    picture = picture ? picture : "the layer";
    instead = instead ? instead : "";
    gp_status s = prepare(&j, in, err);
    if (s == GP_OK)
        s = find(finder, p, in, &j.px.rgb, faces, &n, &selected, err);
    if (s == GP_OK && n == 0 && selected)
        s = gp_fail(err, GP_ERR_ARGUMENT, "No face was found in the selected part of %s (a face "
                    "counts when the middle of its eyes, nose and mouth is selected).  %s",
                    picture, instead);
    else if (s == GP_OK && n == 0)
        s = gp_fail(err, GP_ERR_ARGUMENT, "No face was found in %s.  %s", picture, instead);
    if (s == GP_OK)
        s = start(&j, err);
    across progress = { .fn = p->progress, .user = p->progress_user, .count = n };
    for (int i = 0; i < n && s == GP_OK; i++) {
        progress.index = i;
        s = run_face(&j, &faces[i], &progress, err);
    }
    if (s == GP_OK && j.done == 0)
        s = gp_fail(err, GP_ERR_ARGUMENT, "None of the %d face%s found in %s is near the "
                    "selection (or each is wholly selected): nothing to fill from them.  %s", n,
                    n == 1 ? "" : "s", picture, instead);
    const gp_image *rgb = NULL;
    if (s == GP_OK)
        s = merge(&j, &rgb, err);
    if (s == GP_OK) {
        const bool superres = p->task == GP_TASK_SUPERRES;
        const GeglRectangle at = superres ? (GeglRectangle){ 0, 0, rgb->width, rgb->height } : j.px.area;
        out->buffer = gpb_to_buffer(rgb, superres ? &j.alpha : &j.px.alpha, &at);
        if (!out->buffer)
            s = gp_fail(err, GP_ERR_MEMORY, "out of memory for the result");
    }
    if (s == GP_OK) {
        out->report = j.report;
        out->report.loss /= (float)j.done;
        out->report.fit_psnr /= (float)j.done;
        out->faces = j.done;
        out->found = n;
    }
    job_release(&j);
    return s;
}
