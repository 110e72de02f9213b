/* test_pggan_golden.c — the engine's PGGAN equals PyTorch's.
 *
 * A tiny random genforce-layout PGGAN (models/pggan_reference.py, built at
 * build time) is converted with models/convert_pggan.py; the reference file
 * (tests/pggan_golden.py) holds latents z, PyTorch's G(z), a weighting r and
 * the autograd gradient of L = sum(r * G(z)) w.r.t. z, all in float64
 * rounded to float32.  The engine must match G(z) within 1e-4 max abs and
 * dL/dz within 1e-3 relative (max abs error / max abs value).
 *
 * Usage: test_pggan_golden model.safetensors reference.safetensors */
#include "reference.h"
#include "model/model.h"

#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3 || !ref_exists(argv[1]) || !ref_exists(argv[2])) {
        printf("skipped: PGGAN fixture %s not found (needs /usr/bin/python3 with torch at build time)\n",
               argc > 1 ? argv[1] : "(none given)");
        return SKIP;
    }
    gp_error err;
    gp_model *m = NULL;
    gp_safetensors *ref = NULL;
    if (gp_model_load(argv[1], &m, &err) != GP_OK || gp_safetensors_open(argv[2], &ref, &err) != GP_OK) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        gp_model_free(m);
        return 1;
    }
    const gp_model_info *info = gp_model_get_info(m);
    printf("%s: %s %dx%d, latent %d, %d blocks, %lld parameters\n", argv[1], info->family,
           info->width, info->height, info->latent_size, info->blocks, info->parameters);
    CHECK(!strcmp(info->family, "pggan"), "family %s", info->family);
    /* blocks: layer0 .. layerN, then output */
    CHECK(info->blocks == 2 * (int)(log2(info->width) - 1) + 1, "%d blocks", info->blocks);

    size_t nz, ny, nr, ndz;
    int64_t zd[GP_ST_MAX_DIMS];
    float *z = ref_tensor(ref, "z", &nz, zd), *y = ref_tensor(ref, "y", &ny, NULL);
    float *r = ref_tensor(ref, "r", &nr, NULL), *dz_ref = ref_tensor(ref, "dz", &ndz, NULL);
    if (z && y && r && dz_ref) {
        int n = (int)zd[0];
        CHECK(zd[1] == info->latent_size, "latent size %lld vs %d", (long long)zd[1], info->latent_size);
        gp_trace *t = ref_trace(m->net, n);
        CHECK(t && gp_shape_count(gp_trace_out_shape(t)) == ny && nr == ny && ndz == nz,
              "shapes of the reference and the network differ");
        if (t && gp_shape_count(gp_trace_out_shape(t)) == ny) {
            memcpy(gp_trace_input(t), z, nz * sizeof *z);
            const float *out = gp_trace_forward(t);
            double d = max_abs_diff(out, y, ny);
            printf("G(z): max |engine - torch| = %.3g (max |G| = %.3g)\n", d, max_abs(y, ny));
            CHECK(d <= 1e-4, "forward differs by %g", d);

            float *dz = calloc(nz, sizeof *dz);
            gp_trace_backward(t, r, dz);
            double e = max_abs_diff(dz, dz_ref, nz), scale = max_abs(dz_ref, nz);
            printf("dL/dz: max abs error %.3g, relative %.3g (max |dz| = %.3g)\n", e, e / scale, scale);
            CHECK(e <= 1e-3 * scale, "gradient relative error %g", e / scale);
            /* the same again: a trace is reusable and deterministic */
            float *dz2 = calloc(nz, sizeof *dz2);
            gp_trace_forward(t);
            gp_trace_backward(t, r, dz2);
            CHECK(memcmp(dz, dz2, nz * sizeof *dz) == 0, "second backward differs");
            free(dz);
            free(dz2);
        }
        gp_trace_free(t);
    }
    free(z);
    free(y);
    free(r);
    free(dz_ref);
    gp_safetensors_close(ref);
    gp_model_free(m);
    return CHECK_DONE();
}
