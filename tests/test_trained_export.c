/* test_trained_export.c — the discriminator the training program exports
 * (models/train/export.py) scores images as PyTorch's does.
 *
 * tests/trained_export_golden.py writes a small random generator and
 * discriminator through the exporter, and float64 logits of four random
 * images, each scored alone (the discriminator's minibatch
 * standard-deviation channel is folded into a bias for one image; away
 * from the 4x4 map's border that is exact, at the border it is off by
 * 1e-4 times a few weights, hence the tolerance).  The generator file is
 * checked by test_pggan_golden on the same golden file.
 *
 * Usage: test_trained_export G.safetensors D.safetensors GOLDEN.safetensors */
#include "loss/discriminator.h"
#include "reference.h"

#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4 || !ref_exists(argv[1]) || !ref_exists(argv[2]) || !ref_exists(argv[3])) {
        printf("skipped: exporter fixtures not found (needs /usr/bin/python3 with torch at build time)\n");
        return SKIP;
    }
    gp_error err;
    gp_model *g = NULL;
    gp_disc *d = NULL;
    gp_safetensors *ref = NULL;
    if (gp_model_load(argv[1], &g, &err) != GP_OK ||
        gp_disc_load(argv[2], gp_model_get_info(g), &d, &err) != GP_OK ||
        gp_safetensors_open(argv[3], &ref, &err) != GP_OK) {
        fprintf(stderr, "FAIL: %s\n", err.message);
        gp_disc_free(d);
        gp_model_free(g);
        return 1;
    }
    /* the exporter's face frame (models/train/export.py) is the engine's default */
    float frame[5][2], def[5][2];
    gp_model_face_frame(NULL, def);
    CHECK(gp_model_face_frame(g, frame), "the exported generator has no ganprior.face_frame");
    for (int i = 0; i < 5; i++)
        CHECK(fabsf(frame[i][0] - def[i][0]) < 1e-6f && fabsf(frame[i][1] - def[i][1]) < 1e-6f,
              "exported face frame point %d differs from the engine's default", i);
    size_t nx, nl;
    int64_t xd[GP_ST_MAX_DIMS];
    float *x = ref_tensor(ref, "x", &nx, xd), *want = ref_tensor(ref, "logits", &nl, NULL);
    gp_shape ls = gp_disc_logit_shape(d);
    CHECK(x && want && gp_shape_count(ls) == 1 && nl == (size_t)xd[0], "logit shapes differ");
    if (x && want && gp_shape_count(ls) == 1 && nl == (size_t)xd[0]) {
        size_t per = nx / nl;
        for (size_t i = 0; i < nl; i++) {
            float got = gp_disc_logits(d, x + i * per)[0];
            printf("image %zu: engine %.6f torch %.6f\n", i, got, want[i]);
            CHECK(fabs(got - want[i]) <= 1e-3 * (1 + fabs(want[i])), "logit %zu differs", i);
        }
    }
    free(x);
    free(want);
    gp_safetensors_close(ref);
    gp_disc_free(d);
    gp_model_free(g);
    return CHECK_DONE();
}
