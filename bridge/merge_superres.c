/* merge_superres.c — the enlarged region, consistent with the region.
 *
 * The generated image, scaled to factor x the region's size, brings the
 * detail; back-projection (Irani & Peleg, "Improving resolution by image
 * registration", CVGIP 1991) makes it honest: a smooth correction is
 * added so that the result's factor x factor block means are the
 * region's own pixels, which thereby override the generator wherever they
 * disagree, at every scale it can see.
 *
 * The correction is U d, U the Lanczos-3 enlargement by the factor, and
 * d solves R U d = e at the region's size, with R the block mean and e
 * the region minus the block means of the scaled generated image.  R U is
 * separable and both parts are cheap at the low size, so the solve never
 * touches a full-size image; only adding U d does, once a pass.  (Iterating
 * at full size with GEGL's LoHalo as U cost minutes on a photo; a
 * bilinear U lost 0.5 dB on held-out faces: the residual needs a sharp
 * enlargement.) */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

/* Richardson steps d += e - R U d: R U's eigenvalues lie in [0.41, 1]
 * (Lanczos-3, per axis in [0.64, 1] for every factor), so each step
 * leaves at most 59 % of what is left; 16 leave under 0.03 %. */
enum { ROUNDS = 16, TAPS = 6, REACH = TAPS / 2 };

/* Back-projections at full size: the first does nearly all; clamping the
 * result to [0, 1] leaves an error where the region is near black or
 * white, which the next ones move to the block's other pixels, until the
 * block means are within TOLERANCE of the region (a quarter of an 8-bit
 * level) or PASSES have run. */
enum { PASSES = 8 };
static const float TOLERANCE = 0.25f / 255.0f;

static float lanczos3(float x)
{
    const float pi = 3.14159265f;
    if (fabsf(x) < 1e-6f)
        return 1.0f;
    if (fabsf(x) >= 3.0f)
        return 0.0f;
    return 3.0f * sinf(pi * x) * sinf(pi * x / 3.0f) / (pi * pi * x * x);
}

/* The enlargement by f: for each phase r of an output position j = i f + r
 * (pixel centres aligned), the first of the TAPS input samples it reads,
 * relative to i, and their weights (summing to 1). */
typedef struct kernel {
    int f, *first;
    float (*w)[TAPS];
    /* R U along a line as one filter at the low size: out_i = sum over
     * m of ru[m + REACH] in[i + m], ends repeated (U repeats them too, so
     * this is exact). */
    float ru[2 * REACH + 1];
} kernel;

static bool kernel_init(kernel *k, int f)
{
    k->f = f;
    k->first = malloc((size_t)f * sizeof *k->first);
    k->w = malloc((size_t)f * sizeof *k->w);
    if (!k->first || !k->w)
        return false;
    for (int r = 0; r < f; r++) {
        const float t = ((float)r + 0.5f) / (float)f - 0.5f;
        k->first[r] = (int)floorf(t) - TAPS / 2 + 1;
        float sum = 0.0f;
        for (int q = 0; q < TAPS; q++)
            sum += k->w[r][q] = lanczos3(t - (float)(k->first[r] + q));
        for (int q = 0; q < TAPS; q++)
            k->w[r][q] /= sum;
    }
    for (int m = 0; m <= 2 * REACH; m++)
        k->ru[m] = 0.0f;
    for (int r = 0; r < f; r++) /* first[r] + q lies in [-REACH, REACH] */
        for (int q = 0; q < TAPS; q++)
            k->ru[k->first[r] + q + REACH] += k->w[r][q] / (float)f;
    return true;
}

static void kernel_free(kernel *k)
{
    free(k->first);
    free(k->w);
}

/* One line of n RGB pixels (step floats apart) enlarged into out (n f RGB
 * pixels, contiguous); samples past the ends repeat the end ones. */
static void enlarge_line(const kernel *k, const float *in, long step, int n, float *out)
{
    for (int i = 0; i < n; i++)
        for (int r = 0; r < k->f; r++) {
            float acc[3] = { 0.0f, 0.0f, 0.0f };
            for (int q = 0; q < TAPS; q++) {
                int at = i + k->first[r] + q;
                at = at < 0 ? 0 : at > n - 1 ? n - 1 : at;
                for (int c = 0; c < 3; c++)
                    acc[c] += k->w[r][q] * in[at * step + c];
            }
            float *o = out + ((size_t)i * k->f + r) * 3;
            o[0] = acc[0], o[1] = acc[1], o[2] = acc[2];
        }
}

/* line (n RGB pixels, step floats apart) = R U of itself along the line;
 * tmp holds n pixels. */
static void project_line(const kernel *k, float *line, long step, int n, float *tmp)
{
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            tmp[i * 3 + c] = line[i * step + c];
    for (int i = 0; i < n; i++) {
        float acc[3] = { 0.0f, 0.0f, 0.0f };
        for (int m = -REACH; m <= REACH; m++) {
            const int at = i + m < 0 ? 0 : i + m > n - 1 ? n - 1 : i + m;
            for (int c = 0; c < 3; c++)
                acc[c] += k->ru[m + REACH] * tmp[at * 3 + c];
        }
        for (int c = 0; c < 3; c++)
            line[i * step + c] = acc[c];
    }
}

/* img = R U img, along the rows and then the columns. */
static void project(const kernel *k, gp_image *img, float *tmp)
{
    const int w = img->width, h = img->height;
    for (int y = 0; y < h; y++)
        project_line(k, img->data + (size_t)y * w * 3, 3, w, tmp);
    for (int x = 0; x < w; x++)
        project_line(k, img->data + (size_t)x * 3, (long)w * 3, h, tmp);
}

/* d with R U d = e, by Richardson steps from d = e. */
static gp_status solve(const kernel *k, const gp_image *e, gp_image *d, gp_error *err)
{
    const size_t n = (size_t)e->width * e->height * 3;
    const int longer = e->width > e->height ? e->width : e->height;
    gp_image ud = { 0 };
    float *tmp = malloc((size_t)longer * 3 * sizeof *tmp);
    if (!tmp || gp_image_alloc(d, e->width, e->height, 3) != GP_OK ||
        gp_image_alloc(&ud, e->width, e->height, 3) != GP_OK) {
        free(tmp);
        gp_image_release(d);
        return gp_fail(err, GP_ERR_MEMORY, "out of memory enlarging the region");
    }
    for (size_t i = 0; i < n; i++)
        d->data[i] = e->data[i];
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t i = 0; i < n; i++)
            ud.data[i] = d->data[i];
        project(k, &ud, tmp);
        for (size_t i = 0; i < n; i++)
            d->data[i] += e->data[i] - ud.data[i];
    }
    gp_image_release(&ud);
    free(tmp);
    return GP_OK;
}

/* hi += U d, clamped to [0, 1]: d's rows enlarged once, then each row of
 * hi is the weighted sum of the enlarged rows it reads. */
static gp_status add_enlarged(const kernel *k, const gp_image *d, gp_image *hi, gp_error *err)
{
    const int w = d->width, h = d->height, f = k->f;
    const size_t row = (size_t)w * f * 3;
    float *rows = malloc(row * h * sizeof *rows);
    if (!rows)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory enlarging the region");
    for (int y = 0; y < h; y++)
        enlarge_line(k, d->data + (size_t)y * w * 3, 3, w, rows + row * y);
    for (int y = 0; y < h * f; y++) {
        const int i = y / f, r = y % f;
        float *out = hi->data + row * y;
        for (int q = 0; q < TAPS; q++) {
            int at = i + k->first[r] + q;
            at = at < 0 ? 0 : at > h - 1 ? h - 1 : at;
            const float wq = k->w[r][q], *src = rows + row * at;
            for (size_t x = 0; x < row; x++)
                out[x] += wq * src[x];
        }
        for (size_t x = 0; x < row; x++)
            out[x] = out[x] < 0.0f ? 0.0f : out[x] > 1.0f ? 1.0f : out[x];
    }
    free(rows);
    return GP_OK;
}

/* hi += U d with d solving R U d = low - R hi: one back-projection;
 * *done when the block means already matched. */
static gp_status project_back(const kernel *k, const gp_image *low, gp_image *hi, bool *done,
                              gp_error *err)
{
    gp_image e = { 0 }, d = { 0 };
    float worst = 0.0f;
    gp_status s = gp_image_reduce(hi, k->f, &e, err);
    if (s == GP_OK) {
        const size_t n = (size_t)low->width * low->height * 3;
        for (size_t i = 0; i < n; i++) {
            e.data[i] = low->data[i] - e.data[i];
            worst = fmaxf(worst, fabsf(e.data[i]));
        }
        *done = worst < TOLERANCE;
    }
    if (s == GP_OK && !*done)
        s = solve(k, &e, &d, err);
    if (s == GP_OK && !*done)
        s = add_enlarged(k, &d, hi, err);
    gp_image_release(&d);
    gp_image_release(&e);
    return s;
}

gp_status gpb_merge_superres(const gpb_pixels *px, const gp_image *generated, int factor,
                             gp_image *hi, gp_error *err)
{
    const gp_image *low = &px->rgb;
    kernel k;
    gp_status s = kernel_init(&k, factor) ? GP_OK
                : gp_fail(err, GP_ERR_MEMORY, "out of memory enlarging the region");
    if (s == GP_OK)
        s = gpb_resample_lohalo(generated, low->width * factor, low->height * factor, hi, err);
    bool done = false;
    for (int pass = 0; pass < PASSES && s == GP_OK && !done; pass++)
        s = project_back(&k, low, hi, &done, err);
    kernel_free(&k);
    if (s != GP_OK)
        gp_image_release(hi);
    return s;
}
