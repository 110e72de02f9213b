/* frame.c — where a face model's faces put their five points
 * (gp_model_face_frame in ganprior.h).
 *
 * The default frame is the project's face data's (faces128, the crops
 * the default model faces128.safetensors was trained on), measured by
 * models/face_frame.py: the engine's face finder (gp_faces_find's
 * defaults) run on every 5th of the 21,044 training crops of
 * shard-000..004 (4,209 crops of 128 px, each centred on a gray square
 * twice its side; 4,137 with a face found), the mean of each point over
 * the crops with a face, in unit coordinates.  Standard deviations
 * (x, y): eyes (0.015, 0.014), nose (0.030, 0.028), mouth corners
 * (0.031-0.033, 0.023-0.024); the inter-ocular distance 0.388 (std
 * 0.024).  Every 40th crop gave the same means within 0.002. */
#include "model/model.h"

static const float default_frame[5][2] = {
    { 0.2898f, 0.2845f }, /* the person's right eye */
    { 0.6778f, 0.2844f }, /* left eye */
    { 0.4825f, 0.5140f }, /* nose tip */
    { 0.3163f, 0.6841f }, /* right mouth corner */
    { 0.6486f, 0.6881f }, /* left mouth corner */
};

bool gp_model_face_frame(const gp_model *m, float pts[5][2])
{
    const bool own = m && m->has_face_frame;
    for (int i = 0; i < 5; i++)
        for (int c = 0; c < 2; c++)
            pts[i][c] = own ? m->face_frame[i][c] : default_frame[i][c];
    return own;
}
