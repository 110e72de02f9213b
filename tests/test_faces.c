/* test_faces.c — inversion of real held-out faces with a real, third-party
 * face generator (the 32x32 CelebA DCGAN): multi-code composition must
 * reconstruct better than a single code at the same number of steps, as
 * mGANprior reports, and every task must run on real data.
 *   test_faces MODEL FACES   (skips when either file is absent) */
#include "ganprior.h"
#include "quality.h"
#include "reference.h"

#include <stdio.h>
#include <string.h>

static double reconstruct(gp_model *m, const gp_image *face, gp_method method)
{
    gp_invert_params p;
    gp_invert_params_default(&p, GP_TASK_RECONSTRUCT);
    p.method = method;
    p.search.iterations = 300;
    p.search.perceptual_weight = 0.0f; /* 32x32 is below what SqueezeNet sees */
    p.search.plateau_window = 0;
    gp_image out = { 0 };
    gp_error err;
    if (gp_invert(m, &p, face, NULL, &out, NULL, &err) != GP_OK) {
        CHECK(0, "invert: %s", err.message);
        return 0.0;
    }
    double q = psnr_image(&out, face);
    gp_image_release(&out);
    return q;
}

int main(int argc, char **argv)
{
    if (argc < 3 || !ref_exists(argv[1]) || !ref_exists(argv[2])) {
        printf("skipped: model or faces fixture not found (needs ../shared and python3-torch)\n");
        return SKIP;
    }
    gp_model *m;
    gp_error err;
    if (gp_model_load(argv[1], &m, &err) != GP_OK) {
        CHECK(0, "load: %s", err.message);
        return CHECK_DONE();
    }
    gp_safetensors *st;
    if (gp_safetensors_open(argv[2], &st, &err) != GP_OK) {
        CHECK(0, "faces: %s", err.message);
        return CHECK_DONE();
    }
    size_t count;
    int64_t dims[4];
    float *faces = ref_tensor(st, "faces", &count, dims);
    double single = 0.0, multi = 0.0;
    int n = faces ? (int)dims[0] : 0;
    for (int i = 0; i < n; i++) {
        gp_image face = { (int)dims[2], (int)dims[1], 3, faces + (size_t)i * dims[1] * dims[2] * 3 };
        double s = reconstruct(m, &face, GP_METHOD_SINGLE), k = reconstruct(m, &face, GP_METHOD_MULTICODE);
        printf("face %d: single %.2f dB, multi-code %.2f dB\n", i, s, k);
        single += s / n;
        multi += k / n;
    }
    printf("mean over %d held-out faces: single %.2f dB, multi-code %.2f dB\n", n, single, multi);
    CHECK(n > 0, "no faces in the fixture");
    CHECK(multi >= single + 1.0, "multi-code (%.2f dB) does not beat single-code (%.2f dB) by 1 dB",
          multi, single);
    free(faces);
    gp_safetensors_close(st);
    gp_model_free(m);
    return CHECK_DONE();
}
