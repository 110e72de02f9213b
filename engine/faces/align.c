/* align.c — a face onto the model's frame: the least-squares similarity
 * transform between point sets (S. Umeyama, "Least-squares estimation of
 * transformation parameters between two point patterns", IEEE TPAMI 13(4),
 * 1991).  In the plane, with points as complex numbers, Umeyama's
 * rotation-and-scale for proper rotations is z = sum conj(s_i) d_i /
 * sum |s_i|^2 over the centred points and the translation moves the
 * centroids onto each other; that closed form is what is computed here
 * (in double, in the points' order: deterministic). */
#include "core/error.h"

#include <math.h>

void gp_face_five(const gp_face *f, float pts[5][2])
{
    const float *p[5] = { f->eyes[0], f->eyes[1], f->nose, f->mouth[0], f->mouth[1] };
    for (int i = 0; i < 5; i++)
        pts[i][0] = p[i][0], pts[i][1] = p[i][1];
}

gp_status gp_similarity_fit(const float (*src)[2], const float (*dst)[2], int n,
                            gp_similarity *out, gp_error *err)
{
    if (n < 2)
        return gp_fail(err, GP_ERR_ARGUMENT, "a similarity needs at least 2 points, not %d", n);
    double ms[2] = { 0, 0 }, md[2] = { 0, 0 };
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 2; c++)
            ms[c] += src[i][c] / (double)n, md[c] += dst[i][c] / (double)n;
    double ss = 0, re = 0, im = 0; /* sum |s|^2, sum conj(s) d */
    for (int i = 0; i < n; i++) {
        const double sx = src[i][0] - ms[0], sy = src[i][1] - ms[1];
        const double dx = dst[i][0] - md[0], dy = dst[i][1] - md[1];
        ss += sx * sx + sy * sy;
        re += sx * dx + sy * dy;
        im += sx * dy - sy * dx;
    }
    if (!(ss > 0.0) || !isfinite(ss + re + im + md[0] + md[1]))
        return gp_fail(err, GP_ERR_ARGUMENT, "the points coincide or are not finite");
    const double a = re / ss, b = im / ss; /* s cos r, s sin r */
    if (!(a * a + b * b > 0.0))
        return gp_fail(err, GP_ERR_ARGUMENT, "the target points coincide: no invertible similarity");
    *out = (gp_similarity){ { { a, -b, md[0] - (a * ms[0] - b * ms[1]) },
                              { b, a, md[1] - (b * ms[0] + a * ms[1]) } } };
    return GP_OK;
}

void gp_similarity_invert(const gp_similarity *t, gp_similarity *inv)
{
    /* (a + ib)^-1 = (a - ib) / (a^2 + b^2); translation -R^-1 t */
    const double a = t->m[0][0], b = t->m[1][0], k = a * a + b * b;
    const double ia = a / k, ib = -b / k, tx = t->m[0][2], ty = t->m[1][2];
    *inv = (gp_similarity){ { { ia, -ib, -(ia * tx - ib * ty) }, { ib, ia, -(ib * tx + ia * ty) } } };
}

void gp_similarity_apply(const gp_similarity *t, const float p[2], float q[2])
{
    const double x = p[0], y = p[1];
    q[0] = (float)(t->m[0][0] * x + t->m[0][1] * y + t->m[0][2]);
    q[1] = (float)(t->m[1][0] * x + t->m[1][1] * y + t->m[1][2]);
}

gp_status gp_face_align(const gp_face *face, const float frame[5][2], int size,
                        gp_similarity *to_model, gp_similarity *to_picture, gp_error *err)
{
    if (size < 1)
        return gp_fail(err, GP_ERR_ARGUMENT, "the model's size %d is not positive", size);
    float src[5][2], dst[5][2];
    gp_face_five(face, src);
    for (int i = 0; i < 5; i++)
        dst[i][0] = frame[i][0] * size, dst[i][1] = frame[i][1] * size;
    gp_similarity t;
    gp_status s = gp_similarity_fit((const float (*)[2])src, (const float (*)[2])dst, 5, &t, err);
    if (s != GP_OK)
        return s;
    if (to_model)
        *to_model = t;
    if (to_picture)
        gp_similarity_invert(&t, to_picture);
    gp_ok(err);
    return GP_OK;
}
