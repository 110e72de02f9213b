/* test_squeezenet_file.c — the converted SqueezeNet v1.1 perceptual network
 * builds the way the perceptual loss builds it (gp_safetensors_open +
 * gp_arch_build, not gp_model_load, which refuses it: no 3-channel output),
 * its blocks end exactly at the "taps" of its arch, and the features at
 * every tap equal torch's (tests/squeezenet_reference.py) on an odd-sized
 * input (floor-mode pooling).
 *
 * Usage: test_squeezenet_file squeezenet1.1.safetensors reference.safetensors */
#include "reference.h"
#include "model/arch.h"

#include <json.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3 || !ref_exists(argv[1]) || !ref_exists(argv[2])) {
        printf("skipped: %s not found (the shared SqueezeNet or /usr/bin/python3 with torch was "
               "missing at configure time)\n", argc > 1 ? argv[1] : "the converted SqueezeNet");
        return SKIP;
    }
    gp_error err;
    gp_model *m = NULL;
    CHECK(gp_model_load(argv[1], &m, &err) == GP_ERR_FORMAT && strstr(err.message, "3-channel"),
          "gp_model_load should refuse a feature network: %s", err.message);
    gp_model_free(m);

    gp_safetensors *st = NULL, *ref = NULL;
    if (gp_safetensors_open(argv[1], &st, &err) != GP_OK || gp_safetensors_open(argv[2], &ref, &err) != GP_OK) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        gp_safetensors_close(st);
        return 1;
    }
    const char *pre = gp_safetensors_meta(st, "ganprior.preprocess");
    CHECK(pre && !strcmp(pre, "bgr255-caffe-mean"), "ganprior.preprocess %s", pre ? pre : "(none)");
    const char *name = gp_safetensors_meta(st, "ganprior.name");
    CHECK(name && !strcmp(name, "squeezenet1.1"), "name");
    json_object *arch = json_tokener_parse(gp_safetensors_meta(st, "ganprior.arch"));
    json_object *layers = NULL, *taps = NULL;
    CHECK(arch && json_object_object_get_ex(arch, "layers", &layers) &&
          json_object_object_get_ex(arch, "taps", &taps) && json_object_array_length(taps) == 7,
          "arch needs layers and 7 taps");

    size_t nx;
    int64_t xd[GP_ST_MAX_DIMS];
    float *x = ref_tensor(ref, "x", &nx, xd);
    gp_net *net = NULL;
    if (layers && taps && x) {
        gp_shape in = { 1, (int)xd[1], (int)xd[2], (int)xd[3] };
        CHECK(gp_arch_build(layers, in, st, &net, &err) == GP_OK, "%s", err.message);
        CHECK(!net || gp_safetensors_check_all_used(st, &err) == GP_OK, "%s", err.message);
    }
    if (net) {
        CHECK(net->nblocks == 7, "%d blocks", net->nblocks);
        for (int k = 0; k < 7; k++) {
            int tap = json_object_get_int(json_object_array_get_idx(taps, (size_t)k));
            CHECK(gp_net_block_layer(net, k + 1) == tap + 1, "block %d does not end at tap %d", k, tap);
            gp_shape s = { (int)xd[0], (int)xd[1], (int)xd[2], (int)xd[3] };
            gp_trace *t = gp_trace_new(net, 0, tap + 1, s);
            char fname[8];
            snprintf(fname, sizeof fname, "f%d", k);
            size_t nf;
            float *f = ref_tensor(ref, fname, &nf, NULL);
            if (t && f && gp_shape_count(gp_trace_out_shape(t)) == nf) {
                memcpy(gp_trace_input(t), x, nx * sizeof *x);
                double d = max_abs_diff(gp_trace_forward(t), f, nf), scale = max_abs(f, nf);
                gp_shape o = gp_trace_out_shape(t);
                printf("tap %d (after layer %2d) [%d,%d,%d]: max abs diff %.3g, max |f| %.3g\n", k,
                       tap, o.c, o.h, o.w, d, scale);
                CHECK(d <= 1e-5 * scale, "tap %d differs by %g (relative %g)", k, d, d / scale);
            } else {
                CHECK(0, "tap %d: shape differs from the reference", k);
            }
            free(f);
            gp_trace_free(t);
        }
    }
    gp_net_free(net);
    json_object_put(arch);
    free(x);
    gp_safetensors_close(st);
    gp_safetensors_close(ref);
    return CHECK_DONE();
}
