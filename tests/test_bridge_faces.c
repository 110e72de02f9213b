/* test_bridge_faces.c — a face cropped into the model's frame and pasted
 * back with GEGL (gpb_face_crop, gpb_face_paste, gpb_face_mask).
 *
 * A smooth pattern stands in for the picture, so resampling is nearly
 * exact and a convention slip (half a pixel, a transposed matrix) shows:
 *  - the crop equals the pattern sampled at the inverse transform;
 *  - pasting the crop back unchanged gives the picture again inside the
 *    mask, and every pixel outside the mask bit for bit;
 *  - pasting a flat colour puts it at the face's centre, leaves the
 *    picture outside the mask, and blends in the feathered ring. */
#include "bridge.h"
#include "check.h"

#include <gegl.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { W = 400, H = 300, SIZE = 128 };

static float pattern(double x, double y, int c)
{
    return (float)(0.5 + 0.35 * sin(x / 15.0 + c) * cos(y / 11.0 - c));
}

int main(void)
{
    gegl_init(NULL, NULL);
    gp_error err;
    gp_image pic = { 0 };
    gp_image_alloc(&pic, W, H, 3);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3; c++)
                pic.data[((size_t)y * W + x) * 3 + c] = pattern(x + 0.5, y + 0.5, c);
    float frame[5][2];
    gp_model_face_frame(NULL, frame);
    /* a face whose five points are the frame turned by 0.35 rad, 1.6x, moved */
    const double s = 1.6, r = 0.35;
    const gp_similarity t = { { { s * cos(r), -s * sin(r), 150 }, { s * sin(r), s * cos(r), 60 } } };
    gp_face face = { 0 };
    float *pts[5] = { face.eyes[0], face.eyes[1], face.nose, face.mouth[0], face.mouth[1] };
    for (int i = 0; i < 5; i++) {
        float q[2] = { frame[i][0] * SIZE, frame[i][1] * SIZE };
        gp_similarity_apply(&t, q, pts[i]);
    }
    gp_similarity to_model, to_picture;
    CHECK(gp_face_align(&face, (const float (*)[2])frame, SIZE, &to_model, &to_picture, &err) == GP_OK,
          "%s", err.message);

    /* the crop is the pattern at the inverse transform */
    gp_image crop = { 0 };
    CHECK(gpb_face_crop(&pic, &to_model, SIZE, &crop, &err) == GP_OK, "%s", err.message);
    double sum = 0, worst = 0;
    for (int y = 0; y < SIZE; y++)
        for (int x = 0; x < SIZE; x++) {
            float p[2] = { x + 0.5f, y + 0.5f }, q[2];
            gp_similarity_apply(&to_picture, p, q);
            if (q[0] < 2 || q[1] < 2 || q[0] > W - 2 || q[1] > H - 2)
                continue; /* clamped at the picture's edge */
            for (int c = 0; c < 3; c++) {
                double d = fabs(crop.data[((size_t)y * SIZE + x) * 3 + c] - pattern(q[0], q[1], c));
                sum += d / (3.0 * SIZE * SIZE);
                worst = fmax(worst, d);
            }
        }
    printf("crop against the pattern: mean error %.5f, max %.5f\n", sum, worst);
    CHECK(sum < 0.002 && worst < 0.02, "the crop is not the picture through the transform");

    /* pasted back unchanged: the picture again */
    gp_image mask = { 0 }, out = { 0 };
    gp_image_alloc(&mask, SIZE, SIZE, 1);
    gpb_face_mask((const float (*)[2])frame, SIZE, 0.3f, &mask);
    CHECK(mask.data[(SIZE / 2) * SIZE + SIZE / 2] == 1.0f && mask.data[0] == 0.0f, "the mask's centre and corner");
    CHECK(gpb_face_paste(&pic, &crop, &to_model, (const float (*)[2])frame, 0.3f, &out, &err) == GP_OK,
          "%s", err.message);
    double in_err = 0;
    long changed_outside = 0, inside = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            float p[2] = { x + 0.5f, y + 0.5f }, q[2];
            gp_similarity_apply(&to_model, p, q);
            const int mx = (int)floor(q[0]), my = (int)floor(q[1]);
            bool in = mx >= -3 && my >= -3 && mx < SIZE + 3 && my < SIZE + 3;
            float m = 0;
            if (in) /* the mask's largest value within the sampler's reach */
                for (int dy = -3; dy <= 3; dy++)
                    for (int dx = -3; dx <= 3; dx++) {
                        const int u = mx + dx, v = my + dy;
                        if (u >= 0 && v >= 0 && u < SIZE && v < SIZE)
                            m = fmaxf(m, mask.data[(size_t)v * SIZE + u]);
                    }
            const float *a = out.data + ((size_t)y * W + x) * 3, *b = pic.data + ((size_t)y * W + x) * 3;
            if (!in || m == 0.0f)
                changed_outside += memcmp(a, b, 3 * sizeof(float)) != 0;
            else
                for (int c = 0; c < 3; c++)
                    in_err = fmax(in_err, fabs(a[c] - b[c])), inside++;
        }
    printf("pasted back: %ld values under the mask, max error %.5f; %ld pixels changed outside it\n", inside,
           in_err, changed_outside);
    CHECK(inside > 3 * 10000 && in_err < 0.02, "the round trip differs by %.4f", in_err);
    CHECK(changed_outside == 0, "%ld pixels outside the mask changed", changed_outside);
    gp_image_release(&out);

    /* a flat colour: there at the centre, blended in the ring */
    gp_image flat = { 0 };
    gp_image_alloc(&flat, SIZE, SIZE, 3);
    for (size_t i = 0; i < (size_t)SIZE * SIZE * 3; i++)
        flat.data[i] = 0.95f;
    CHECK(gpb_face_paste(&pic, &flat, &to_model, (const float (*)[2])frame, 0.3f, &out, &err) == GP_OK,
          "%s", err.message);
    float c[2] = { SIZE / 2.0f, SIZE / 2.0f }, pc[2];
    gp_similarity_apply(&to_picture, c, pc);
    const float *centre = out.data + ((size_t)pc[1] * W + (int)pc[0]) * 3;
    CHECK(fabsf(centre[0] - 0.95f) < 1e-3f, "the face's centre is %.4f, not the pasted 0.95", centre[0]);
    int blended = 0;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        const float a = out.data[i], b = pic.data[i];
        if (fabsf(a - b) > 1e-3f && fabsf(a - 0.95f) > 1e-3f)
            blended++;
        CHECK(fminf(b, 0.95f) - 1e-4f <= a && a <= fmaxf(b, 0.95f) + 1e-4f, "value %zu out of the blend", i);
    }
    printf("flat colour pasted: %d values blended in the feathered ring\n", blended);
    CHECK(blended > 1000, "no feathered ring (%d blended values)", blended);
    /* a face square wholly outside the picture changes nothing */
    gp_similarity far = to_model;
    far.m[0][2] -= 10000;
    gp_image same = { 0 };
    CHECK(gpb_face_paste(&pic, &flat, &far, (const float (*)[2])frame, 0.3f, &same, &err) == GP_OK &&
              !memcmp(same.data, pic.data, sizeof(float) * 3 * W * H), "a face outside the picture");
    gp_image_release(&same);
    gp_image_release(&out);
    gp_image_release(&flat);
    gp_image_release(&mask);
    gp_image_release(&crop);
    gp_image_release(&pic);
    gegl_exit();
    return CHECK_DONE();
}
