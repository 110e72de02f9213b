/* face.c — a face brought into the model's frame and put back, with GEGL.
 *
 * gp_face_align gives the similarity between the picture and the model's
 * square; gegl:transform resamples through it with LoHalo (GEGL's and
 * GIMP's high-quality sampler: antialiased when reducing), pixel centres
 * at +0.5 in both spaces as the engine's points.  Cropping clamps at the
 * picture's edges (a face at the border still fills the square: GEGL
 * 0.4's gegl:transform has no abyss policy, so the picture's part under
 * the square is copied here with its edge pixels repeated); pasting
 * carries a feathered ellipse around the frame's points as alpha through
 * the same transform, so the seam is blended where the picture is. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* gegl:transform's "matrix(...)" as GEGL 0.4 parses it
 * (gegl_matrix3_parse_string): all nine entries of the 3x3 matrix,
 * column by column — not SVG's six. */
static void matrix_text(const gp_similarity *t, char *buf, size_t size)
{
    snprintf(buf, size, "matrix(%.17g,%.17g,0,%.17g,%.17g,0,%.17g,%.17g,1)", t->m[0][0], t->m[1][0],
             t->m[0][1], t->m[1][1], t->m[0][2], t->m[1][2]);
}

/* Renders src (format, w x h at data; transparent black around it)
 * through t into area of dst_data. */
static void transform(float *data, const Babl *format, int w, int h, const gp_similarity *t,
                      const GeglRectangle *area, float *dst_data)
{
    char m[256];
    matrix_text(t, m, sizeof m);
    GeglBuffer *in = gegl_buffer_linear_new_from_data(data, format, GEGL_RECTANGLE(0, 0, w, h),
                                                      GEGL_AUTO_ROWSTRIDE, NULL, NULL);
    GeglNode *graph = gegl_node_new();
    GeglNode *source = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", in, NULL);
    GeglNode *op = gegl_node_new_child(graph, "operation", "gegl:transform", "transform", m,
                                       "sampler", GEGL_SAMPLER_LOHALO, NULL);
    gegl_node_link(source, op);
    gegl_node_blit(op, 1.0, area, format, dst_data, GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
    g_object_unref(graph);
    g_object_unref(in);
}

/* The box in the picture that the model's size x size square covers. */
static void square_in_picture(const gp_similarity *to_picture, int size, double *x0, double *y0,
                              double *x1, double *y1)
{
    *x0 = *y0 = INFINITY;
    *x1 = *y1 = -INFINITY;
    for (int k = 0; k < 4; k++) {
        float p[2] = { (float)(k & 1 ? size : 0), (float)(k & 2 ? size : 0) }, q[2];
        gp_similarity_apply(to_picture, p, q);
        *x0 = fmin(*x0, q[0]), *y0 = fmin(*y0, q[1]), *x1 = fmax(*x1, q[0]), *y1 = fmax(*y1, q[1]);
    }
}

gp_status gpb_face_crop(const gp_image *picture, const gp_similarity *to_model, int size,
                        gp_image *crop, gp_error *err)
{
    if (!picture || !picture->data || picture->channels != 3 || size < 1)
        return gp_fail(err, GP_ERR_ARGUMENT, "a face crop needs an RGB picture and a positive size");
    gp_similarity to_picture;
    gp_similarity_invert(to_model, &to_picture);
    /* the picture under the square, with a margin for the sampler */
    double x0, y0, x1, y1;
    square_in_picture(&to_picture, size, &x0, &y0, &x1, &y1);
    const double lim = 4.0 * GP_PICTURE_MAX_PIXELS;
    if (!(x0 > -lim && y0 > -lim && x1 < lim && y1 < lim && (x1 - x0) * (y1 - y0) < GP_PICTURE_MAX_PIXELS))
        return gp_fail(err, GP_ERR_ARGUMENT, "the face's square is too large for the picture");
    const int bx = (int)floor(x0) - 8, by = (int)floor(y0) - 8;
    const int bw = (int)ceil(x1) + 8 - bx, bh = (int)ceil(y1) + 8 - by;
    gp_image part = { 0 };
    if (gp_image_alloc(crop, size, size, 3) != GP_OK || gp_image_alloc(&part, bw, bh, 3) != GP_OK) {
        gp_image_release(crop);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for a %dx%d face", size, size);
    }
    const int w = picture->width, h = picture->height;
    for (int y = 0; y < bh; y++) {
        const int sy = by + y < 0 ? 0 : by + y >= h ? h - 1 : by + y;
        for (int x = 0; x < bw; x++) {
            const int sx = bx + x < 0 ? 0 : bx + x >= w ? w - 1 : bx + x;
            memcpy(part.data + ((size_t)y * bw + x) * 3, picture->data + ((size_t)sy * w + sx) * 3,
                   3 * sizeof(float));
        }
    }
    gp_similarity t = *to_model; /* part's pixel p is the picture's p + (bx, by) */
    t.m[0][2] += t.m[0][0] * bx + t.m[0][1] * by;
    t.m[1][2] += t.m[1][0] * bx + t.m[1][1] * by;
    transform(part.data, babl_format("R'G'B' float"), bw, bh, &t, GEGL_RECTANGLE(0, 0, size, size),
              crop->data);
    gp_image_release(&part);
    return GP_OK;
}

void gpb_face_mask(const float frame[5][2], int size, float feather, gp_image *mask)
{
    const double iod = hypot(frame[1][0] - frame[0][0], frame[1][1] - frame[0][1]);
    const double cx = (frame[0][0] + frame[1][0] + frame[2][0] + frame[3][0] + frame[4][0]) / 5.0;
    const double cy = ((frame[0][1] + frame[1][1]) / 2.0 + (frame[3][1] + frame[4][1]) / 2.0) / 2.0;
    const double rx = GPB_FACE_MASK_WIDTH * iod, ry = GPB_FACE_MASK_HEIGHT * iod;
    const double f = feather < 0.0f ? 0.0 : feather > 1.0f ? 1.0 : feather;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            const double u = ((x + 0.5) / size - cx) / rx, v = ((y + 0.5) / size - cy) / ry;
            const double r = sqrt(u * u + v * v);
            double a = r <= 1.0 - f ? 1.0 : r >= 1.0 ? 0.0 : (1.0 - r) / f;
            a = a * a * (3.0 - 2.0 * a); /* smoothstep */
            mask->data[(size_t)y * size + x] = (float)a;
        }
}

gp_status gpb_face_paste(const gp_image *picture, const gp_image *crop, const gp_similarity *to_model,
                         const float frame[5][2], float feather, gp_image *out, gp_error *err)
{
    if (!picture || !picture->data || picture->channels != 3 || !crop || !crop->data ||
        crop->channels != 3 || crop->width != crop->height)
        return gp_fail(err, GP_ERR_ARGUMENT, "pasting a face needs an RGB picture and a square RGB crop");
    const int size = crop->width, w = picture->width, h = picture->height;
    if (gp_image_alloc(out, w, h, 3) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for a %dx%d picture", w, h);
    memcpy(out->data, picture->data, sizeof(float) * 3 * (size_t)w * h);
    gp_similarity to_picture;
    gp_similarity_invert(to_model, &to_picture);
    /* the model square's corners in the picture: the box to render */
    double x0, y0, x1, y1;
    square_in_picture(&to_picture, size, &x0, &y0, &x1, &y1);
    const int bx0 = (int)fmax(0, floor(x0) - 2), by0 = (int)fmax(0, floor(y0) - 2);
    const int bx1 = (int)fmin(w, ceil(x1) + 2), by1 = (int)fmin(h, ceil(y1) + 2);
    if (bx1 <= bx0 || by1 <= by0)
        return GP_OK; /* the face's square lies outside the picture */
    const int bw = bx1 - bx0, bh = by1 - by0;
    gp_image mask = { 0 };
    float *rgba = malloc(sizeof(float) * 4 * (size_t)size * size);
    float *back = malloc(sizeof(float) * 4 * (size_t)bw * bh);
    if (!rgba || !back || gp_image_alloc(&mask, size, size, 1) != GP_OK) {
        free(rgba), free(back);
        gp_image_release(out);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory pasting a face");
    }
    gpb_face_mask(frame, size, feather, &mask);
    for (size_t i = 0; i < (size_t)size * size; i++) {
        memcpy(rgba + 4 * i, crop->data + 3 * i, 3 * sizeof(float));
        rgba[4 * i + 3] = mask.data[i];
    }
    transform(rgba, babl_format("R'G'B'A float"), size, size, &to_picture, GEGL_RECTANGLE(bx0, by0, bw, bh),
              back);
    for (int y = 0; y < bh; y++)
        for (int x = 0; x < bw; x++) {
            const float *s = back + ((size_t)y * bw + x) * 4;
            const float a = s[3] < 0.0f ? 0.0f : s[3] > 1.0f ? 1.0f : s[3];
            float *d = out->data + ((size_t)(by0 + y) * w + bx0 + x) * 3;
            for (int c = 0; c < 3; c++)
                d[c] += a * (s[c] - d[c]);
        }
    free(rgba), free(back);
    gp_image_release(&mask);
    return GP_OK;
}
