/* swap.c — exchanging one channel subspace between two images, the
 * semantic manipulation of PmSFC (Li et al., AAAI 2021, sec. 4.4): both
 * images are inverted with the subspace method, the channels of one
 * subspace are swapped between the two composed features at the split,
 * and G2 renders each edited feature. */
#include "core/error.h"
#include "invert/invert.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

/* G2 of a feature at the split, as a model-size image into out. */
static gp_status render(gp_model *m, int split, const float *feat, gp_image *out, gp_error *err)
{
    gp_shape fs;
    gp_net_shape_at(m->net, split, 1, &fs);
    gp_trace *t = gp_trace_new(m->net, split, m->net->count, fs);
    if (!t || gp_image_alloc(out, m->info.width, m->info.height, 3) != GP_OK) {
        gp_trace_free(t);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory rendering the swapped features");
    }
    memcpy(gp_trace_input(t), feat, gp_shape_count(fs) * sizeof(float));
    gp_model_output_to_image(m, gp_trace_forward(t), out);
    gp_trace_free(t);
    return GP_OK;
}

static void exchange(const gp_subspaces_info *si, int subspace, int hw, float *fa, float *fb)
{
    for (int c = 0; c < si->channels; c++) {
        if (si->labels[c] != subspace)
            continue;
        float *a = fa + (size_t)c * hw, *b = fb + (size_t)c * hw;
        for (int i = 0; i < hw; i++) {
            float t = a[i];
            a[i] = b[i];
            b[i] = t;
        }
    }
}

static gp_status swap_with(gp_model *m, const gp_invert_params *p, const gp_image *a,
                           const gp_image *b, const gp_image *mask, int subspace, gp_image *out_a,
                           gp_image *out_b, gp_error *err)
{
    const gp_subspaces_info *si = gp_subspaces_get_info(p->subspace.subspaces);
    if (subspace < 0 || subspace >= si->subspaces)
        return gp_fail(err, GP_ERR_ARGUMENT, "subspace must be 0..%d (got %d)", si->subspaces - 1, subspace);
    const int split = gp_net_block_layer(m->net, si->split_block);
    gp_shape fs;
    gp_net_shape_at(m->net, split, 1, &fs);
    float *fa = NULL, *fb = NULL;
    gp_image ia = { 0 }, ib = { 0 }, ra = { 0 }, rb = { 0 };
    gp_status s = gp_invert_feature(m, p, a, mask, &ia, &fa, NULL, err);
    if (s == GP_OK)
        s = gp_invert_feature(m, p, b, mask, &ib, &fb, NULL, err);
    if (s == GP_OK) {
        exchange(si, subspace, fs.h * fs.w, fa, fb);
        s = render(m, split, fa, &ra, err);
    }
    if (s == GP_OK)
        s = render(m, split, fb, &rb, err);
    if (s == GP_OK) {
        *out_a = ra;
        *out_b = rb;
        gp_ok(err);
    } else {
        gp_image_release(&ra);
        gp_image_release(&rb);
    }
    gp_image_release(&ia);
    gp_image_release(&ib);
    free(fa);
    free(fb);
    return s;
}

gp_status gp_subspace_swap(gp_model *m, const gp_invert_params *p, const gp_image *a,
                           const gp_image *b, const gp_image *mask, int subspace,
                           gp_image *out_a, gp_image *out_b, gp_error *err)
{
    if (!m || !p || !a || !b || !out_a || !out_b)
        return gp_fail(err, GP_ERR_ARGUMENT, "gp_subspace_swap needs a model, parameters, two images and two outputs");
    if (p->method != GP_METHOD_SUBSPACE)
        return gp_fail(err, GP_ERR_ARGUMENT, "swapping subspaces needs the subspace method");
    gp_invert_params q = *p;
    gp_subspaces *owned = NULL;
    if (!q.subspace.subspaces) { /* load the sidecar once for both inversions */
        char path[4096];
        gp_status s = gp_subspaces_path(m, path, sizeof path, err);
        if (s == GP_OK)
            s = gp_subspaces_load(m, path, &owned, err);
        if (s != GP_OK)
            return s;
        q.subspace.subspaces = owned;
    }
    gp_status s = swap_with(m, &q, a, b, mask, subspace, out_a, out_b, err);
    gp_subspaces_free(owned);
    return s;
}
