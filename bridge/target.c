/* target.c — a picture and its selection brought to the model's terms:
 * the one place that sizes the target, makes the hole mask and knows
 * when a super-resolution factor fits.  Plain C: the resampler is the
 * caller's choice (GEGL's LoHalo or the area filter). */
#include "bridge.h"

#include <assert.h>
#include <string.h>

bool gpb_factor_fits(const gp_model_info *model, int factor)
{
    return factor >= 1 && model->width % factor == 0 && model->height % factor == 0;
}

void gpb_target_release(gpb_target *t)
{
    gp_image_release(&t->image);
    gp_image_release(&t->mask);
}

static gp_status make_mask(const gp_model_info *model, const gp_image *cover,
                           gpb_resampler resample, gp_image *mask, gp_error *err)
{
    gp_status s = resample(cover, model->width, model->height, mask, err);
    if (s != GP_OK)
        return s;
    const size_t n = (size_t)model->width * model->height;
    for (size_t i = 0; i < n; i++)
        mask->data[i] = mask->data[i] > GPB_HOLE_THRESHOLD ? 1.0f : 0.0f;
    return GP_OK;
}

gp_status gpb_target_prepare(const gp_model_info *model, const gp_invert_params *p,
                             const gp_image *picture, const gp_image *cover,
                             gpb_resampler resample, gpb_target *out, gp_error *err)
{
    memset(out, 0, sizeof *out);
    const int f = p->task == GP_TASK_SUPERRES ? p->superres_factor : 1;
    assert(gpb_factor_fits(model, f) && "callers check the factor with gpb_factor_fits");
    gp_status s = resample(picture, model->width / f, model->height / f, &out->image, err);
    if (s == GP_OK && p->task == GP_TASK_INPAINT && cover)
        s = make_mask(model, cover, resample, &out->mask, err);
    if (s != GP_OK)
        gpb_target_release(out);
    return s;
}
