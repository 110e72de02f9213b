/* frame.c — where a face model's faces put their five points
 * (gp_model_face_frame in ganprior.h).
 *
 * The default frame is the project's face data's (faces128, the crops
 * the default model faces128.safetensors was trained on), measured by
 * models/face_frame.py: the engine's face finder run on every 40th of the
 * training crops of shard-000..004 (527 crops of 128 px, each centred on a
 * gray square twice its side; 521 with a face), the mean of each point
 * over the crops with a face, in unit coordinates.  Standard deviations:
 * eyes 0.014-0.016, nose 0.027-0.031, mouth corners 0.022-0.033; the
 * inter-ocular distance 0.387 (std 0.024). */
#include "model/model.h"

static const float default_frame[5][2] = {
    { 0.2906f, 0.2842f }, /* the person's right eye */
    { 0.6777f, 0.2845f }, /* left eye */
    { 0.4843f, 0.5137f }, /* nose tip */
    { 0.3166f, 0.6850f }, /* right mouth corner */
    { 0.6467f, 0.6891f }, /* left mouth corner */
};

bool gp_model_face_frame(const gp_model *m, float pts[5][2])
{
    const bool own = m && m->has_face_frame;
    for (int i = 0; i < 5; i++)
        for (int c = 0; c < 2; c++)
            pts[i][c] = own ? m->face_frame[i][c] : default_frame[i][c];
    return own;
}
