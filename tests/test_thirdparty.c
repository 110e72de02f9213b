/* test_thirdparty.c — converted third-party generators match their
 * reference framework.
 *
 * The build converts each generator from $GANPRIOR_SHARED with the
 * converters in models/ and writes reference outputs for fixed latents
 * with tests/thirdparty_reference.py (an independent re-implementation).
 * Here the engine runs the converted file on the same latents; the outputs
 * must agree within 1e-4 max abs.  The model must also load through the
 * public API with the documented size, latent and range.
 *
 * Usage: test_thirdparty SOURCE MODEL REFERENCE LATENT_DIST RANGE_MIN
 *   SOURCE is the generator's path under $GANPRIOR_SHARED; skipped (77)
 *   when it or the build's files are absent. */
#include "reference.h"
#include "model/model.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: test_thirdparty SOURCE MODEL REFERENCE DIST RANGE_MIN\n");
        return 1;
    }
    const char *shared = getenv("GANPRIOR_SHARED");
    char src[1024];
    snprintf(src, sizeof src, "%s/%s", shared ? shared : "../shared", argv[1]);
    if (!ref_exists(src)) {
        printf("skipped: %s not found (set GANPRIOR_SHARED)\n", src);
        return SKIP;
    }
    if (!ref_exists(argv[2]) || !ref_exists(argv[3])) {
        printf("skipped: %s or %s not found (not converted: the build needs /usr/bin/python3 with "
               "torch, h5py and numpy, and the shared folder at configure time)\n", argv[2], argv[3]);
        return SKIP;
    }
    gp_error err;
    gp_model *m = NULL;
    gp_safetensors *ref = NULL;
    if (gp_model_load(argv[2], &m, &err) != GP_OK || gp_safetensors_open(argv[3], &ref, &err) != GP_OK) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        gp_model_free(m);
        return 1;
    }
    const gp_model_info *in = gp_model_get_info(m);
    printf("%s: %s, %dx%d, latent %d (%s), range [%g, %g], %d blocks, %lld parameters\n", in->name,
           in->family, in->width, in->height, in->latent_size,
           in->latent_dist == GP_LATENT_UNIFORM ? "uniform" : "normal", in->range_min, in->range_max,
           in->blocks, in->parameters);
    bool uniform = !strcmp(argv[4], "uniform");
    CHECK(in->latent_dist == (uniform ? GP_LATENT_UNIFORM : GP_LATENT_NORMAL), "latent distribution");
    CHECK(in->range_min == (float)atof(argv[5]) && in->range_max == 1.0f, "range [%g, %g]",
          in->range_min, in->range_max);
    CHECK(in->channels == 3 && in->width == in->height && in->blocks > 1, "geometry");

    size_t nz, ny;
    int64_t zd[GP_ST_MAX_DIMS], yd[GP_ST_MAX_DIMS];
    float *z = ref_tensor(ref, "z", &nz, zd), *y = ref_tensor(ref, "y", &ny, yd);
    if (z && y) {
        CHECK(zd[1] == in->latent_size && yd[2] == in->height && yd[3] == in->width,
              "reference shapes do not match the model");
        gp_trace *t = ref_trace(m->net, (int)zd[0]);
        if (t && gp_shape_count(gp_trace_out_shape(t)) == ny) {
            memcpy(gp_trace_input(t), z, nz * sizeof *z);
            const float *out = gp_trace_forward(t);
            double d = max_abs_diff(out, y, ny);
            printf("%d latents: max |engine - reference| = %.3g (max |y| = %.3g)\n", (int)zd[0], d,
                   max_abs(y, ny));
            CHECK(d <= 1e-4, "output differs by %g", d);
        } else {
            CHECK(0, "cannot run the network on the reference batch");
        }
        gp_trace_free(t);
    }
    gp_image img = { 0 };
    CHECK(gp_model_sample(m, 1, &img, &err) == GP_OK, "sample: %s", err.message);
    gp_image_release(&img);
    free(z);
    free(y);
    gp_safetensors_close(ref);
    gp_model_free(m);
    return CHECK_DONE();
}
