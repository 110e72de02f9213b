/* winograd.c — F(2x2, 3x3) and F(4x4, 3x3) convolutions (see winograd.h).
 *
 * Transform matrices from Lavin & Gray (arXiv:1509.09308), interpolation
 * points 0, +-1 for F(2,3) and 0, +-1, +-2 for F(4,3).  The transforms
 * run on L channels of a tile (or L kernel pairs) at once as one vector,
 * unrolled so that zero and unit matrix entries cost nothing.  They are
 * single-threaded; only the SGEMMs use OpenBLAS's threads.
 */
#include "nn/winograd.h"

#include <cblas.h>
#include <limits.h>
#include <string.h>

enum { L = 8, AMAX = 6 };

typedef void (*transform)(const void *in, void *out);

typedef struct tables {
    int m, a, ain;
    const float *bin;                /* ain columns: Bᵀ, or Bᵀ D when up */
    transform bt, b, at, a_, g, gt;  /* see below; bt and b take bin */
} tables;

static const float bt2[16] = {
    1, 0, -1, 0,
    0, 1, 1, 0,
    0, -1, 1, 0,
    0, 1, 0, -1,
};
static const float g2[12] = {
    1.0f, 0.0f, 0.0f,
    0.5f, 0.5f, 0.5f,
    0.5f, -0.5f, 0.5f,
    0.0f, 0.0f, 1.0f,
};
static const float at2[8] = {
    1, 1, 1, 0,
    0, 1, -1, -1,
};

static const float bt4[36] = {
    4, 0, -5, 0, 1, 0,
    0, -4, -4, 1, 1, 0,
    0, 4, -4, -1, 1, 0,
    0, -2, -1, 2, 1, 0,
    0, 2, -1, -2, 1, 0,
    0, 4, 0, -5, 0, 1,
};
static const float g4[18] = {
    1.0f / 4, 0.0f, 0.0f,
    -1.0f / 6, -1.0f / 6, -1.0f / 6,
    -1.0f / 6, 1.0f / 6, -1.0f / 6,
    1.0f / 24, 1.0f / 12, 1.0f / 6,
    1.0f / 24, -1.0f / 12, 1.0f / 6,
    0.0f, 0.0f, 1.0f,
};
static const float at4[24] = {
    1, 1, 1, 1, 1, 0,
    0, 1, -1, 2, -2, 0,
    0, 1, 1, 4, 4, 0,
    0, 1, -1, 8, -8, 1,
};

/* Bᵀ D for an up-sampled input: D (a x ain) repeats the ain pixels of x
 * as 0 1 1 2 (2 2 3): column k of Bᵀ D sums Bᵀ's columns 2k-1 and 2k. */
static const float btu2[12] = {
    1, -1, 0,
    0, 2, 0,
    0, 0, 0,
    0, 1, -1,
};
static const float btu4[24] = {
    4, -5, 1, 0,
    0, -8, 2, 0,
    0, 0, 0, 0,
    0, -3, 3, 0,
    0, 1, -1, 0,
    0, 4, -5, 1,
};


/* L floats, one per tile (or kernel pair), as one value: the transforms
 * below are written on whole lanes (GCC/Clang vector extension; the
 * compiler picks the instructions, SSE2 by default). */
typedef float lanes __attribute__((vector_size(L * sizeof(float))));

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* out [r][r] = P in Pᵀ for in [c][c], P r x c with P[i][k] = p[i*si + k*sk]
 * (swapping the strides gives the transpose).  Inlined into one function
 * per matrix and unrolled, so the tables' zeros and ones fold away. */
ALWAYS_INLINE void sandwich(const float *p, int si, int sk, int r, int c, const lanes *in, lanes *out)
{
    lanes tmp[AMAX * AMAX];
#pragma GCC unroll 6
    for (int i = 0; i < r; i++)
#pragma GCC unroll 6
        for (int l = 0; l < c; l++) {
            lanes t = { 0 };
            bool first = true;
#pragma GCC unroll 6
            for (int k = 0; k < c; k++) {
                const float f = p[i * si + k * sk];
                if (f == 0.0f)
                    continue;
                t = first ? f * in[k * c + l] : t + f * in[k * c + l];
                first = false;
            }
            tmp[i * c + l] = t;
        }
#pragma GCC unroll 6
    for (int i = 0; i < r; i++)
#pragma GCC unroll 6
        for (int j = 0; j < r; j++) {
            lanes o = { 0 };
            bool first = true;
#pragma GCC unroll 6
            for (int l = 0; l < c; l++) {
                const float f = p[j * si + l * sk];
                if (f == 0.0f)
                    continue;
                o = first ? f * tmp[i * c + l] : o + f * tmp[i * c + l];
                first = false;
            }
            out[i * r + j] = o;
        }
}

/* The six transforms of each F(m,3): V = Bᵀ d B and its adjoint B v Bᵀ,
 * Y = Aᵀ M A and dM = A dY Aᵀ, U = G g Gᵀ and dg = Gᵀ dU G. */
static void bt_2(const void *i, void *o) { sandwich(bt2, 4, 1, 4, 4, (const lanes *)i, (lanes *)o); }
static void b_2(const void *i, void *o) { sandwich(bt2, 1, 4, 4, 4, (const lanes *)i, (lanes *)o); }
static void at_2(const void *i, void *o) { sandwich(at2, 4, 1, 2, 4, (const lanes *)i, (lanes *)o); }
static void a_2(const void *i, void *o) { sandwich(at2, 1, 4, 4, 2, (const lanes *)i, (lanes *)o); }
static void g_2(const void *i, void *o) { sandwich(g2, 3, 1, 4, 3, (const lanes *)i, (lanes *)o); }
static void gt_2(const void *i, void *o) { sandwich(g2, 1, 3, 3, 4, (const lanes *)i, (lanes *)o); }
static void bt_4(const void *i, void *o) { sandwich(bt4, 6, 1, 6, 6, (const lanes *)i, (lanes *)o); }
static void b_4(const void *i, void *o) { sandwich(bt4, 1, 6, 6, 6, (const lanes *)i, (lanes *)o); }
static void at_4(const void *i, void *o) { sandwich(at4, 6, 1, 4, 6, (const lanes *)i, (lanes *)o); }
static void a_4(const void *i, void *o) { sandwich(at4, 1, 6, 6, 4, (const lanes *)i, (lanes *)o); }
static void g_4(const void *i, void *o) { sandwich(g4, 3, 1, 6, 3, (const lanes *)i, (lanes *)o); }
static void gt_4(const void *i, void *o) { sandwich(g4, 1, 3, 3, 6, (const lanes *)i, (lanes *)o); }
static void btu_2(const void *i, void *o) { sandwich(btu2, 3, 1, 4, 3, (const lanes *)i, (lanes *)o); }
static void bu_2(const void *i, void *o) { sandwich(btu2, 1, 3, 3, 4, (const lanes *)i, (lanes *)o); }
static void btu_4(const void *i, void *o) { sandwich(btu4, 4, 1, 6, 4, (const lanes *)i, (lanes *)o); }
static void bu_4(const void *i, void *o) { sandwich(btu4, 1, 4, 4, 6, (const lanes *)i, (lanes *)o); }

ALWAYS_INLINE tables tables_for(int m, bool up)
{
    if (m == 2)
        return up ? (tables){ 2, 4, 3, btu2, btu_2, bu_2, at_2, a_2, g_2, gt_2 }
                  : (tables){ 2, 4, 4, bt2, bt_2, b_2, at_2, a_2, g_2, gt_2 };
    return up ? (tables){ 4, 6, 4, btu4, btu_4, bu_4, at_4, a_4, g_4, gt_4 }
              : (tables){ 4, 6, 6, bt4, bt_4, b_4, at_4, a_4, g_4, gt_4 };
}

/* Whether position xi of the transformed tiles can be non-zero: not
 * when its row or column of bin is all zero (up-sampled input). */
static bool live(const gp_wino *g, int xi)
{
    const tables tb = tables_for(g->m, g->up);
    bool row = false, col = false;
    for (int k = 0; k < tb.ain; k++) {
        row = row || tb.bin[(xi / tb.a) * tb.ain + k] != 0.0f;
        col = col || tb.bin[(xi % tb.a) * tb.ain + k] != 0.0f;
    }
    return row && col;
}

/* Lanes to and from unaligned floats (pointers, not values: 32-byte
 * vectors by value change the ABI without AVX, and GCC says so). */
ALWAYS_INLINE void load_lanes(lanes *v, const float *p)
{
    memcpy(v, p, sizeof *v);
}

/* n <= L floats from p, zeros after. */
ALWAYS_INLINE void load_some(lanes *v, const float *p, int n)
{
    if (n == L) {
        memcpy(v, p, sizeof *v);
        return;
    }
    *v = (lanes){ 0 };
    memcpy(v, p, (size_t)n * sizeof(float));
}

/* The first n <= L lanes of v to p (a whole vector as one fixed-size
 * copy, which the compiler inlines). */
ALWAYS_INLINE void store_some(float *p, const lanes *v, int n)
{
    if (n == L)
        memcpy(p, v, sizeof *v);
    else
        memcpy(p, v, (size_t)n * sizeof(float));
}

bool gp_wino_geom(gp_wino *g, int m, int n, int cin, int cout, int h, int w, int pad, bool up)
{
    if ((m != 2 && m != 4) || n <= 0 || cin <= 0 || cout <= 0 || pad < 0 || (up && pad != 1) ||
        h <= 0 || w <= 0 || h > INT_MAX / 4 || w > INT_MAX / 4)
        return false;
    const int oh = up ? 2 * h : h + 2 * pad - 2, ow = up ? 2 * w : w + 2 * pad - 2;
    if (oh <= 0 || ow <= 0)
        return false;
    const int th = (oh + m - 1) / m, tw = (ow + m - 1) / m;
    const long long tiles = (long long)n * th * tw;
    if (tiles * (cin > cout ? cin : cout) > INT_MAX)
        return false;
    *g = (gp_wino){ .m = m, .n = n, .cin = cin, .cout = cout, .h = h, .w = w, .pad = pad,
                    .up = up, .oh = oh, .ow = ow, .th = th, .tw = tw, .tiles = (int)tiles,
                    .step = up ? m / 2 : m, .ain = up ? m / 2 + 2 : m + 2, .padi = up ? 1 : pad };
    return true;
}

enum { MIN_CHANNELS = 32, WINO4_MIN_TILES = 32 };

int gp_wino_choose(int n, int cin, int cout, int h, int w, int pad, bool up)
{
    gp_wino g;
    if (cin < MIN_CHANNELS || cout < MIN_CHANNELS || !gp_wino_geom(&g, 4, n, cin, cout, h, w, pad, up))
        return 0;
    return g.tiles >= WINO4_MIN_TILES ? 4 : 2;
}

size_t gp_wino_kernel_count(int m, int cin, int cout)
{
    return (size_t)(m + 2) * (m + 2) * cout * cin;
}

void gp_wino_kernels(int m, int cin, int cout, const float *w, float *u)
{
    const tables tb = tables_for(m, false);
    const int aa = tb.a * tb.a;
    const size_t pairs = (size_t)cout * cin;
    lanes gk[9], o[AMAX * AMAX];
    for (size_t p0 = 0; p0 < pairs; p0 += L) {
        const int nl = pairs - p0 < L ? (int)(pairs - p0) : L;
        for (int k = 0; k < 9; k++)
            for (int q = 0; q < L; q++)
                gk[k][q] = q < nl ? w[(p0 + q) * 9 + k] : 0.0f;
        tb.g(gk, o);
        for (int xi = 0; xi < aa; xi++)
            store_some(u + xi * pairs + p0, &o[xi], nl);
    }
}

/* The input, L channels to a lanes value, with a zero border so that
 * every input tile reads inside it: [n][cin/L][hp][wp] lanes, hp = th *
 * step + 2, wp = tw * step + 2, the image at (padi, padi); it fits, as
 * th*m >= oh = h + 2 pad - 2 (2h when up, step m/2).  Backward
 * accumulates dx in the same layout. */
static int blocks(int c) { return (c + L - 1) / L; }
static int padded_h(const gp_wino *g) { return g->th * g->step + 2; }
static int padded_w(const gp_wino *g) { return g->tw * g->step + 2; }
static size_t padded_count(const gp_wino *g) /* floats */
{
    return (size_t)g->n * blocks(g->cin) * padded_h(g) * padded_w(g) * L;
}

/* Scratch regions: V [a*a][tiles][cin] (dV in backward), M [a*a][tiles][cout]
 * (dM), dU [a*a][cout][cin], P the padded input (dx). */
typedef struct regions {
    float *v, *m, *du, *p;
} regions;

static regions split(const gp_wino *g, float *scratch)
{
    const size_t aa = (size_t)(g->m + 2) * (g->m + 2);
    regions r;
    r.v = scratch;
    r.m = r.v + aa * g->cin * g->tiles;
    r.du = r.m + aa * g->cout * g->tiles;
    r.p = r.du + aa * g->cout * g->cin;
    return r;
}

size_t gp_wino_scratch(const gp_wino *g)
{
    const size_t aa = (size_t)(g->m + 2) * (g->m + 2);
    return aa * ((size_t)(g->cin + g->cout) * g->tiles + (size_t)g->cout * g->cin) +
           padded_count(g);
}

/* Where tile t starts: its sample and the output pixel of its corner. */
static void tile_origin(const gp_wino *g, int t, int *s, int *oy, int *ox)
{
    const int per = g->th * g->tw, r = t % per;
    *s = t / per;
    *oy = r / g->tw * g->m;
    *ox = r % g->tw * g->m;
}

/* x [n, cin, h, w] into the padded, channel-blocked P. */
static void pack_input(const gp_wino *g, const float *x, float *p)
{
    const int hp = padded_h(g), wp = padded_w(g), nb = blocks(g->cin);
    memset(p, 0, padded_count(g) * sizeof(float));
    for (int s = 0; s < g->n; s++)
        for (int b = 0; b < nb; b++)
            for (int q = 0; q < L && b * L + q < g->cin; q++) {
                const float *src = x + ((size_t)s * g->cin + b * L + q) * g->h * g->w;
                float *dst = p + (((size_t)s * nb + b) * hp + g->padi) * wp * L + (size_t)g->padi * L + q;
                for (int y = 0; y < g->h; y++)
                    for (int xx = 0; xx < g->w; xx++)
                        dst[((size_t)y * wp + xx) * L] = src[(size_t)y * g->w + xx];
            }
}

/* The inside of the channel-blocked P into dx [n, cin, h, w]. */
static void unpack_input(const gp_wino *g, const float *p, float *dx)
{
    const int hp = padded_h(g), wp = padded_w(g), nb = blocks(g->cin);
    for (int s = 0; s < g->n; s++)
        for (int b = 0; b < nb; b++)
            for (int q = 0; q < L && b * L + q < g->cin; q++) {
                const float *src = p + (((size_t)s * nb + b) * hp + g->padi) * wp * L + (size_t)g->padi * L + q;
                float *dst = dx + ((size_t)s * g->cin + b * L + q) * g->h * g->w;
                for (int y = 0; y < g->h; y++)
                    for (int xx = 0; xx < g->w; xx++)
                        dst[(size_t)y * g->w + xx] = src[((size_t)y * wp + xx) * L];
            }
}

/* The per-tile loops below are written once and inlined for m = 2 and
 * m = 4 (and the input side for up or not), so the tile sizes are
 * constants and the loops unroll. */
#define FOR_M(call) do { if (g->m == 2) call(2); else call(4); } while (0)
#define FOR_MU(call) do { if (g->m == 2) { if (g->up) call(2, true); else call(2, false); } \
                          else { if (g->up) call(4, true); else call(4, false); } } while (0)

/* V = bin d binᵀ for every input tile, L channels at a time, from P. */
ALWAYS_INLINE void input_transform_m(const gp_wino *g, const float *p, float *v, const int m,
                                     const bool up)
{
    const tables tb = tables_for(m, up);
    const int a = m + 2, aa = a * a, ain = tb.ain, step = up ? m / 2 : m;
    const int T = g->tiles, nb = blocks(g->cin), hp = padded_h(g), wp = padded_w(g);
    const size_t stride = (size_t)T * g->cin; /* between positions */
    lanes d[AMAX * AMAX], o[AMAX * AMAX];
    for (int t = 0; t < T; t++) {
        int s, oy, ox;
        tile_origin(g, t, &s, &oy, &ox);
        const int iy = oy / m * step, ix = ox / m * step;
        for (int b = 0; b < nb; b++) {
            const float *src = p + ((((size_t)s * nb + b) * hp + iy) * wp + ix) * L;
            for (int i = 0; i < ain; i++)
                for (int j = 0; j < ain; j++)
                    load_lanes(&d[i * ain + j], src + ((size_t)i * wp + j) * L);
            tb.bt(d, o);
            const int nl = g->cin - b * L < L ? g->cin - b * L : L;
            float *dst = v + (size_t)t * g->cin + b * L;
            for (int xi = 0; xi < aa; xi++)
                store_some(dst + xi * stride, &o[xi], nl);
        }
    }
}

static void input_transform(const gp_wino *g, const float *x, float *v, float *p)
{
    pack_input(g, x, p);
#define CALL(m, up) input_transform_m(g, p, v, m, up)
    FOR_MU(CALL);
#undef CALL
}

/* y = Aᵀ M A per output tile, L channels at a time, cropped at the edges. */
ALWAYS_INLINE void output_transform_m(const gp_wino *g, const float *mt, float *y, const int m)
{
    const tables tb = tables_for(m, false);
    const int aa = (m + 2) * (m + 2), T = g->tiles, nb = blocks(g->cout);
    const size_t ohw = (size_t)g->oh * g->ow, stride = (size_t)T * g->cout;
    lanes mm[AMAX * AMAX], o[AMAX * AMAX];
    for (int t = 0; t < T; t++) {
        int s, oy, ox;
        tile_origin(g, t, &s, &oy, &ox);
        const int hi = g->oh - oy < m ? g->oh - oy : m, wi = g->ow - ox < m ? g->ow - ox : m;
        for (int b = 0; b < nb; b++) {
            const int nl = g->cout - b * L < L ? g->cout - b * L : L;
            const float *src = mt + (size_t)t * g->cout + b * L;
            for (int xi = 0; xi < aa; xi++)
                load_some(&mm[xi], src + xi * stride, nl);
            tb.at(mm, o);
            for (int q = 0; q < nl; q++) {
                float *dst = y + ((size_t)s * g->cout + b * L + q) * ohw + (size_t)oy * g->ow + ox;
                if (hi == m && wi == m) {
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < m; j++)
                            dst[(size_t)i * g->ow + j] = o[i * m + j][q];
                    continue;
                }
                for (int i = 0; i < hi; i++)
                    for (int j = 0; j < wi; j++)
                        dst[(size_t)i * g->ow + j] = o[i * m + j][q];
            }
        }
    }
}

static void output_transform(const gp_wino *g, const float *mt, float *y)
{
#define CALL(m) output_transform_m(g, mt, y, m)
    FOR_M(CALL);
#undef CALL
}

void gp_wino_forward(const gp_wino *g, const float *u, const float *x, float *y, float *scratch)
{
    const int aa = (g->m + 2) * (g->m + 2), T = g->tiles;
    const regions r = split(g, scratch);
    input_transform(g, x, r.v, r.p);
    for (int xi = 0; xi < aa; xi++) { /* M [tiles, cout] = V [tiles, cin] Uᵀ */
        float *mx = r.m + (size_t)xi * T * g->cout;
        if (!live(g, xi)) {
            memset(mx, 0, (size_t)T * g->cout * sizeof(float));
            continue;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, g->cout, g->cin, 1.0f,
                    r.v + (size_t)xi * T * g->cin, g->cin, u + (size_t)xi * g->cout * g->cin, g->cin,
                    0.0f, mx, g->cout);
    }
    output_transform(g, r.m, y);
}

/* dM = A dY Aᵀ per output tile (cropped pixels read as zero). */
ALWAYS_INLINE void output_adjoint_m(const gp_wino *g, const float *dy, float *dm, const int m)
{
    const tables tb = tables_for(m, false);
    const int aa = (m + 2) * (m + 2), T = g->tiles, nb = blocks(g->cout);
    const size_t ohw = (size_t)g->oh * g->ow, stride = (size_t)T * g->cout;
    lanes d[AMAX * AMAX], o[AMAX * AMAX];
    for (int t = 0; t < T; t++) {
        int s, oy, ox;
        tile_origin(g, t, &s, &oy, &ox);
        const int hi = g->oh - oy < m ? g->oh - oy : m, wi = g->ow - ox < m ? g->ow - ox : m;
        for (int b = 0; b < nb; b++) {
            const int nl = g->cout - b * L < L ? g->cout - b * L : L;
            for (int k = 0; k < m * m; k++)
                d[k] = (lanes){ 0 };
            for (int q = 0; q < nl; q++) {
                const float *src = dy + ((size_t)s * g->cout + b * L + q) * ohw + (size_t)oy * g->ow + ox;
                for (int i = 0; i < hi; i++)
                    for (int j = 0; j < wi; j++)
                        d[i * m + j][q] = src[(size_t)i * g->ow + j];
            }
            tb.a_(d, o);
            float *dst = dm + (size_t)t * g->cout + b * L;
            for (int xi = 0; xi < aa; xi++)
                store_some(dst + xi * stride, &o[xi], nl);
        }
    }
}

static void output_adjoint(const gp_wino *g, const float *dy, float *dm)
{
#define CALL(m) output_adjoint_m(g, dy, dm, m)
    FOR_M(CALL);
#undef CALL
}

/* dw += Gᵀ dU G for every kernel pair. */
static void kernel_adjoint(const gp_wino *g, const float *du, float *dw)
{
    const tables tb = tables_for(g->m, false);
    const int aa = tb.a * tb.a;
    const size_t pairs = (size_t)g->cout * g->cin;
    lanes d[AMAX * AMAX], o[9];
    for (size_t p0 = 0; p0 < pairs; p0 += L) {
        const int nl = pairs - p0 < L ? (int)(pairs - p0) : L;
        for (int xi = 0; xi < aa; xi++)
            load_some(&d[xi], du + xi * pairs + p0, nl);
        tb.gt(d, o);
        for (int q = 0; q < nl; q++)
            for (int k = 0; k < 9; k++)
                dw[(p0 + q) * 9 + k] += o[k][q];
    }
}

/* dx = the sum over tiles of binᵀ dV bin, overlapping tiles adding up
 * in the padded, channel-blocked P, whose inside is then dx.  Dead
 * positions of dV (see live()) are never read. */
ALWAYS_INLINE void input_adjoint_m(const gp_wino *g, const float *dv, float *p, const int m,
                                   const bool up)
{
    const tables tb = tables_for(m, up);
    const int a = m + 2, aa = a * a, ain = tb.ain, step = up ? m / 2 : m;
    const int T = g->tiles, nb = blocks(g->cin), hp = padded_h(g), wp = padded_w(g);
    const size_t stride = (size_t)T * g->cin;
    lanes d[AMAX * AMAX], o[AMAX * AMAX];
    memset(p, 0, padded_count(g) * sizeof(float));
    for (int t = 0; t < T; t++) {
        int s, oy, ox;
        tile_origin(g, t, &s, &oy, &ox);
        const int iy = oy / m * step, ix = ox / m * step;
        for (int b = 0; b < nb; b++) {
            const int nl = g->cin - b * L < L ? g->cin - b * L : L;
            const float *src = dv + (size_t)t * g->cin + b * L;
            for (int xi = 0; xi < aa; xi++)
                load_some(&d[xi], src + xi * stride, nl);
            tb.b(d, o);
            float *dst = p + ((((size_t)s * nb + b) * hp + iy) * wp + ix) * L;
            for (int i = 0; i < ain; i++)
                for (int j = 0; j < ain; j++) {
                    float *q = dst + ((size_t)i * wp + j) * L;
                    lanes sum;
                    load_lanes(&sum, q);
                    sum += o[i * ain + j];
                    store_some(q, &sum, L);
                }
        }
    }
}

static void input_adjoint(const gp_wino *g, const float *dv, float *dx, float *p)
{
#define CALL(m, up) input_adjoint_m(g, dv, p, m, up)
    FOR_MU(CALL);
#undef CALL
    unpack_input(g, p, dx);
}

void gp_wino_backward(const gp_wino *g, const float *u, const float *x, const float *dy,
                      float *dx, float *dw, float *scratch)
{
    if (!dx && !dw)
        return;
    const int aa = (g->m + 2) * (g->m + 2), T = g->tiles;
    const regions r = split(g, scratch);
    output_adjoint(g, dy, r.m);
    if (dw) { /* dU [cout, cin] = dMᵀ V */
        input_transform(g, x, r.v, r.p);
        for (int xi = 0; xi < aa; xi++) {
            float *du = r.du + (size_t)xi * g->cout * g->cin;
            if (!live(g, xi)) {
                memset(du, 0, (size_t)g->cout * g->cin * sizeof(float));
                continue;
            }
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g->cout, g->cin, T, 1.0f,
                        r.m + (size_t)xi * T * g->cout, g->cout, r.v + (size_t)xi * T * g->cin, g->cin,
                        0.0f, du, g->cin);
        }
        kernel_adjoint(g, r.du, dw);
    }
    if (!dx)
        return;
    for (int xi = 0; xi < aa; xi++) /* dV [tiles, cin] = dM U, over V (spent) */
        if (live(g, xi))
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, g->cin, g->cout, 1.0f,
                        r.m + (size_t)xi * T * g->cout, g->cout, u + (size_t)xi * g->cout * g->cin,
                        g->cin, 0.0f, r.v + (size_t)xi * T * g->cin, g->cin);
    input_adjoint(g, r.v, dx, r.p);
}
