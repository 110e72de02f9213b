/* test_upconv.c — the fused up-sample + conv layer gives the numbers of
 * the two layers it replaces, forward and backward, and fusing a whole
 * PGGAN leaves its output and block structure unchanged. */
#include "check.h"
#include "nn/layer_kinds.h"
#include "nn/net.h"
#include "core/rng.h"
#include "testmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static float *randn(gp_rng *r, size_t n)
{
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        x[i] = gp_rng_normal(r);
    return x;
}

static double rel_diff(const float *a, const float *b, size_t n)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        num += (a[i] - b[i]) * (double)(a[i] - b[i]);
        den += b[i] * (double)b[i];
    }
    return sqrt(num / (den + 1e-30));
}

static float *scratch_for(const gp_layer *l, gp_shape in)
{
    return malloc((l->ops->scratch(l, in) + 1) * sizeof(float));
}

static void compare(gp_shape in, int cout, bool bias)
{
    gp_rng r;
    gp_rng_seed(&r, (uint64_t)(in.n * 131 + in.h * 17 + in.w));
    gp_layer *up = gp_upsample2_new(), *conv = gp_conv2d_new(in.c, cout, 3, 1, 1, bias);
    gp_layer *fused = gp_upconv2d_new(in.c, cout, bias);
    for (int i = 0; i < conv->nparams; i++) {
        float *v = randn(&r, conv->params[i].count);
        memcpy(conv->params[i].value, v, conv->params[i].count * sizeof(float));
        memcpy(fused->params[i].value, v, conv->params[i].count * sizeof(float));
        free(v);
    }
    gp_layer_enable_grads(conv, true);
    gp_layer_enable_grads(fused, true);
    gp_shape mid, out;
    gp_layer_out_shape(up, in, &mid);
    gp_layer_out_shape(conv, mid, &out);
    size_t nin = gp_shape_count(in), nmid = gp_shape_count(mid), nout = gp_shape_count(out);
    float *x = randn(&r, nin), *dy = randn(&r, nout);
    float *m = malloc(nmid * sizeof(float)), *y1 = malloc(nout * sizeof(float)), *y2 = malloc(nout * sizeof(float));
    float *dm = malloc(nmid * sizeof(float)), *dx1 = malloc(nin * sizeof(float)), *dx2 = malloc(nin * sizeof(float));
    float *s1 = scratch_for(conv, mid), *s2 = scratch_for(fused, in), *s0 = scratch_for(up, in);
    up->ops->forward(up, in, x, m, s0);
    conv->ops->forward(conv, mid, m, y1, s1);
    fused->ops->forward(fused, in, x, y2, s2);
    conv->ops->backward(conv, mid, m, y1, dy, dm, s1);
    up->ops->backward(up, in, x, m, dm, dx1, s0);
    fused->ops->backward(fused, in, x, y2, dy, dx2, s2);
    const char *what[2] = { "weight", "bias" };
    CHECK(rel_diff(y2, y1, nout) < 1e-5, "[%d,%d,%d,%d] forward differs by %.2g", in.n, in.c, in.h, in.w,
          rel_diff(y2, y1, nout));
    CHECK(rel_diff(dx2, dx1, nin) < 1e-5, "[%d,%d,%d,%d] input gradient differs by %.2g", in.n, in.c, in.h,
          in.w, rel_diff(dx2, dx1, nin));
    for (int i = 0; i < conv->nparams; i++) {
        double d = rel_diff(fused->params[i].grad, conv->params[i].grad, conv->params[i].count);
        CHECK(d < 1e-5, "[%d,%d,%d,%d] %s gradient differs by %.2g", in.n, in.c, in.h, in.w, what[i], d);
    }
    free(x), free(dy), free(m), free(y1), free(y2), free(dm), free(dx1), free(dx2);
    free(s0), free(s1), free(s2);
    gp_layer_free(up);
    gp_layer_free(conv);
    gp_layer_free(fused);
}

static void test_fused_net(void)
{
    const int channels[4] = { 32, 32, 16, 8 };
    gp_net *plain = testmodel_pggan_net(32, 16, channels, 4, false, NULL, NULL);
    gp_net *fast = testmodel_pggan_net(32, 16, channels, 4, false, NULL, NULL);
    int before = fast->count;
    gp_net_fuse_upconv(fast);
    CHECK(fast->count == before - 3, "fusing a 32 px PGGAN removed %d layers, expected 3", before - fast->count);
    CHECK(fast->nblocks == plain->nblocks, "fusing changed the block count");
    for (int b = 0; b < plain->nblocks; b++) {
        gp_shape a, c;
        gp_net_shape_at(plain, gp_net_block_layer(plain, b), 2, &a);
        gp_net_shape_at(fast, gp_net_block_layer(fast, b), 2, &c);
        CHECK(a.c == c.c && a.h == c.h && a.w == c.w, "block %d input changed by fusing", b);
    }
    gp_shape in = { 2, 16, 1, 1 };
    gp_trace *ta = gp_trace_new(plain, 0, plain->count, in), *tb = gp_trace_new(fast, 0, fast->count, in);
    gp_rng r;
    gp_rng_seed(&r, 8);
    for (int i = 0; i < 32; i++)
        gp_trace_input(ta)[i] = gp_trace_input(tb)[i] = gp_rng_normal(&r);
    size_t n = gp_shape_count(gp_trace_out_shape(ta));
    double d = rel_diff(gp_trace_forward(tb), gp_trace_forward(ta), n);
    CHECK(d < 1e-5, "fused PGGAN output differs by %.2g", d);
    gp_trace_free(ta);
    gp_trace_free(tb);
    gp_net_free(plain);
    gp_net_free(fast);
}

int main(void)
{
    compare((gp_shape){ 1, 5, 4, 4 }, 7, true);
    compare((gp_shape){ 3, 4, 5, 3 }, 6, false);
    compare((gp_shape){ 2, 8, 1, 1 }, 3, true);
    compare((gp_shape){ 1, 3, 2, 7 }, 4, true);
    test_fused_net();
    return CHECK_DONE();
}
