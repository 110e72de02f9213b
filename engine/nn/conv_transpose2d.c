/* conv_transpose2d.c — transposed 2-D convolution as one SGEMM + col2im,
 * the adjoint of conv2d.c.
 *
 * weight [cin, cout, k, k] (PyTorch IOHW), optional bias [cout].
 * [n, cin, h, w] -> [n, cout, oh, ow], oh = (h-1)*s + k - pad_begin - pad_end.
 *
 * Read as a conv2d from [n, cout, oh, ow] to [n, cin, h, w] with weight
 * W [cin][cout*k*k] and top/left padding pad_begin, this layer is that
 * conv's adjoint:  col = Wᵀ · X,  y = col2im(col).  The crop of the full
 * output needs no extra pass: col2im drops every tap that lands outside
 * [0, oh) x [0, ow), whatever pad_end is.
 * Backward: dcol = im2col(dY), dX = W · dcol, dW += X · dcolᵀ.
 * X and dX enter the GEMMs as [cin][n*h*w] (channel-major) so the whole
 * batch is one GEMM.
 */
#include "nn/layer_kinds.h"
#include "nn/im2col.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

typedef struct convt {
    gp_layer base;
    int cin, cout, k, stride, pad_begin, pad_end;
    bool has_bias;
} convt;

/* The geometry of the conv this layer is the adjoint of: its input is
 * our output, its output our input. */
static gp_patch_geom geom(const convt *c, gp_shape in)
{
    gp_patch_geom g = { in.n, c->cout, 0, 0, c->k, c->stride, c->pad_begin,
                        in.h, in.w };
    g.h = (in.h - 1) * c->stride + c->k - c->pad_begin - c->pad_end;
    g.w = (in.w - 1) * c->stride + c->k - c->pad_begin - c->pad_end;
    return g;
}

static bool convt_out_shape(const gp_layer *l, gp_shape in, gp_shape *out)
{
    const convt *c = (const convt *)l;
    if (in.c != c->cin || in.h <= 0 || in.w <= 0)
        return false;
    gp_patch_geom g = geom(c, in);
    if (g.h <= 0 || g.w <= 0)
        return false;
    *out = (gp_shape){ in.n, c->cout, g.h, g.w };
    return true;
}

static size_t convt_scratch(const gp_layer *l, gp_shape in)
{
    const convt *c = (const convt *)l;
    size_t cols = (size_t)in.n * in.h * in.w;
    size_t kdim = (size_t)c->cout * c->k * c->k;
    return kdim * cols + (size_t)c->cin * cols;
}

static void convt_forward(const gp_layer *l, gp_shape in, const float *x,
                          float *y, float *scratch)
{
    const convt *c = (const convt *)l;
    gp_patch_geom g = geom(c, in);
    const int hw = in.h * in.w, cols = in.n * hw, kdim = c->cout * c->k * c->k;
    float *col = scratch;
    const float *xc = x;
    if (in.n > 1) {
        float *t = scratch + (size_t)kdim * cols;
        gp_nchw_to_cnhw(in.n, c->cin, hw, x, t);
        xc = t;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kdim, cols, c->cin,
                1.0f, l->params[0].value, kdim, xc, cols, 0.0f, col, cols);
    memset(y, 0, (size_t)in.n * c->cout * g.h * g.w * sizeof(float));
    gp_col2im(&g, col, y);
    if (c->has_bias)
        gp_add_channel_bias(in.n, c->cout, g.h * g.w, l->params[1].value, y);
}

static void convt_backward(const gp_layer *l, gp_shape in, const float *x,
                           const float *y, const float *dy, float *dx,
                           float *scratch)
{
    (void)y;
    const convt *c = (const convt *)l;
    gp_patch_geom g = geom(c, in);
    const int hw = in.h * in.w, cols = in.n * hw, kdim = c->cout * c->k * c->k;
    float *dcol = scratch, *t = scratch + (size_t)kdim * cols;
    const gp_param *w = &l->params[0];
    if (c->has_bias && l->params[1].grad)
        gp_sum_channel_grad(in.n, c->cout, g.h * g.w, dy, l->params[1].grad);
    if (!w->grad && !dx)
        return;
    gp_im2col(&g, dy, dcol);
    if (w->grad) {
        const float *xc = x;
        if (in.n > 1) {
            gp_nchw_to_cnhw(in.n, c->cin, hw, x, t);
            xc = t;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c->cin, kdim, cols,
                    1.0f, xc, cols, dcol, cols, 1.0f, w->grad, kdim);
    }
    if (!dx)
        return;
    /* one sample is already channel-major: write dX in place */
    float *dxc = in.n > 1 ? t : dx;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c->cin, cols, kdim,
                1.0f, w->value, kdim, dcol, cols, 0.0f, dxc, cols);
    if (in.n > 1)
        gp_cnhw_to_nchw(in.n, c->cin, hw, dxc, dx);
}

static const gp_layer_ops convt_ops = {
    "conv_transpose2d", convt_out_shape, convt_scratch, convt_forward,
    convt_backward, gp_layer_destroy_plain, NULL,
};

gp_layer *gp_conv_transpose2d_new(int cin, int cout, int k, int stride,
                                  int pad_begin, int pad_end, bool bias)
{
    if (cin <= 0 || cout <= 0 || k <= 0 || stride <= 0 || pad_begin < 0 ||
        pad_end < 0)
        return NULL;
    convt *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = (convt){ .base.ops = &convt_ops, .cin = cin, .cout = cout, .k = k,
                  .stride = stride, .pad_begin = pad_begin, .pad_end = pad_end,
                  .has_bias = bias };
    int wd[4] = { cin, cout, k, k };
    if (!gp_layer_init_weight_bias(&c->base, 4, wd, cout, bias)) {
        gp_layer_destroy_plain(&c->base);
        return NULL;
    }
    return &c->base;
}
