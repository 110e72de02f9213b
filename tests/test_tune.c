/* test_tune.c — generator tuning (PTI) through gp_invert: on a small
 * random PGGAN, tuning lowers the loss for every method and task, the
 * model comes back bit for bit (a second run is identical, samples are
 * unchanged, the file's bytes too), progress counts on past the search,
 * cancel while tuning leaves the output alone, bad arguments are
 * refused; with a discriminator next to the model the adversarial terms
 * are used (reported, a different result, the model still restored),
 * without one the tuning runs as if they were off, and a named file that
 * is missing or malformed is an error naming it; on real held-out faces
 * through the 32 px CelebA DCGAN it raises reconstruction PSNR by the
 * issue's 4 dB.
 *   test_tune [DISC16 [CELEBA32_MODEL FACES]]  (each part skips without its files) */
#include "check.h"
#include "loss/discriminator.h"
#include "model/find.h"
#include "ganprior.h"
#include "quality.h"
#include "reference.h"
#include "testmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static gp_invert_params quick(gp_task task, gp_method method, int tune)
{
    gp_invert_params p;
    gp_invert_params_default(&p, task);
    p.method = method;
    p.composition.codes = 4;
    p.search.iterations = 60;
    p.search.restarts = 1;
    p.search.perceptual_weight = 0.0f;
    p.search.plateau_window = 0;
    p.tune.steps = tune;
    p.search.seed = 5;
    return p;
}

static bool same_image(const gp_image *a, const gp_image *b)
{
    return a->data && b->data && a->width == b->width && a->height == b->height &&
           !memcmp(a->data, b->data, sizeof(float) * 3 * a->width * a->height);
}

static char *file_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n + 1);
    if (b && fread(b, 1, *n, f) != *n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

/* Every method and task: tuning lowers the loss below the search's. */
static void test_lowers_loss(gp_model *m, const gp_image *y, const gp_image *mask,
                             const gp_image *small, const gp_subspaces *sub)
{
    const gp_method methods[3] = { GP_METHOD_SINGLE, GP_METHOD_MULTICODE, GP_METHOD_SUBSPACE };
    for (int mi = 0; mi < 3; mi++)
        for (int t = GP_TASK_RECONSTRUCT; t <= GP_TASK_SUPERRES; t++)
            for (int all = 0; all < 2; all++) {
                gp_invert_params p = quick((gp_task)t, methods[mi], 0);
                p.subspace.subspaces = sub;
                p.subspace.codes_per_subspace = 1;
                const gp_image *target = t == GP_TASK_SUPERRES ? small : y;
                const gp_image *hole = t == GP_TASK_INPAINT ? mask : NULL;
                gp_image a = { 0 }, b = { 0 };
                gp_invert_report ra = { 0 }, rb = { 0 };
                gp_error err;
                gp_status s = gp_invert(m, &p, target, hole, &a, &ra, &err);
                p.tune.steps = 30;
                p.tune.all = all;
                if (s == GP_OK)
                    s = gp_invert(m, &p, target, hole, &b, &rb, &err);
                CHECK(s == GP_OK, "method %d task %d: %s", mi, t, err.message);
                CHECK(rb.tune_steps == 30 && ra.tune_steps == 0, "tune steps reported %d / %d",
                      ra.tune_steps, rb.tune_steps);
                CHECK(rb.loss < 0.9f * ra.loss, "method %d task %d all %d: tuning took the loss "
                      "only from %g to %g", mi, t, all, ra.loss, rb.loss);
                gp_image_release(&a);
                gp_image_release(&b);
            }
}

typedef struct seen {
    int last, total, calls, stop_at;
} seen;

static bool watch(void *user, int it, int total, float loss)
{
    (void)loss;
    seen *s = user;
    s->last = it;
    s->total = total;
    s->calls++;
    return !s->stop_at || it < s->stop_at;
}

/* Same result twice, the model's samples unchanged, progress counting
 * on to iterations + tune steps, a cancel while tuning. */
static void test_model_unchanged(gp_model *m, const gp_image *y)
{
    gp_image before = { 0 }, after = { 0 }, a = { 0 }, b = { 0 };
    gp_error err;
    CHECK(gp_model_sample(m, 99, &before, &err) == GP_OK, "sample: %s", err.message);
    gp_invert_params p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE, 25);
    p.tune.all = true;
    seen sn = { 0 };
    p.progress = watch;
    p.progress_user = &sn;
    CHECK(gp_invert(m, &p, y, NULL, &a, NULL, &err) == GP_OK, "run a: %s", err.message);
    CHECK(sn.last == 85 && sn.total == 85 && sn.calls == 2 + 85,
          "progress ended at %d of %d after %d calls (wanted 85 of 85, 87 calls)", sn.last, sn.total,
          sn.calls);
    CHECK(gp_invert(m, &p, y, NULL, &b, NULL, &err) == GP_OK, "run b: %s", err.message);
    CHECK(same_image(&a, &b), "a second tuned run differs from the first");
    CHECK(gp_model_sample(m, 99, &after, &err) == GP_OK && same_image(&before, &after),
          "the model's samples changed after tuning");

    float sentinel = 42.0f;
    gp_image out = { 1, 1, 3, &sentinel };
    sn = (seen){ .stop_at = 70 };
    CHECK(gp_invert(m, &p, y, NULL, &out, NULL, &err) == GP_ERR_CANCELLED && sn.last == 70,
          "cancel while tuning: status %d at %d", err.status, sn.last);
    CHECK(out.data == &sentinel && sentinel == 42.0f, "cancel while tuning touched the output");
    gp_image_release(&after);
    CHECK(gp_model_sample(m, 99, &after, &err) == GP_OK && same_image(&before, &after),
          "the model's samples changed after a cancelled tuning");
    p.progress = NULL;
    p.search.seed = 6;
    gp_image c = { 0 };
    CHECK(gp_invert(m, &p, y, NULL, &c, NULL, &err) == GP_OK && !same_image(&a, &c),
          "another seed gave the same tuned result");
    gp_image_release(&before);
    gp_image_release(&after);
    gp_image_release(&a);
    gp_image_release(&b);
    gp_image_release(&c);
}

static void expect_error(gp_model *m, const gp_invert_params *p, const gp_image *y,
                         gp_status want, const char *what)
{
    gp_image out = { 0 };
    gp_error err = { 0 };
    gp_status s = gp_invert(m, p, y, NULL, &out, NULL, &err);
    CHECK(s == want && strstr(err.message, "tun"), "%s: status %d '%s'", what, s, err.message);
    CHECK(out.data == NULL, "%s: wrote an output", what);
}

static void test_bad_args(gp_model *m, const gp_image *y, const gp_subspaces *sub)
{
    gp_invert_params p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE, -1);
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "negative steps");
    p.tune.steps = 5;
    p.tune.learning_rate = 0.0f;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "zero learning rate");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE, 5);
    p.tune.locality_weight = -1.0f;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "negative locality weight");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE, 5);
    p.tune.adversarial_weight = -1.0f;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "negative adversarial weight");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE, 5);
    p.tune.adversarial_local_weight = -1.0f;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "negative local adversarial weight");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_MULTICODE, 5);
    p.tune.locality_radius = 1.5f;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "radius above 1");
    p.tune.locality_radius = 0.0f;
    expect_error(m, &p, y, GP_ERR_ARGUMENT, "zero radius");
    p = quick(GP_TASK_RECONSTRUCT, GP_METHOD_SUBSPACE, 5);
    p.subspace.subspaces = sub;
    p.subspace.codes_per_subspace = 1;
    gp_image oa = { 0 }, ob = { 0 };
    gp_error err = { 0 };
    CHECK(gp_subspace_swap(m, &p, y, y, NULL, 0, &oa, &ob, &err) == GP_ERR_UNSUPPORTED &&
          strstr(err.message, "tun") && !oa.data && !ob.data,
          "swap with tuning: status %d '%s'", err.status, err.message);
}

static bool write_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(bytes, 1, n, f) == n;
    return f && fclose(f) == 0 && ok;
}

/* An inpainting with the adversarial terms on; *report and *out filled. */
static gp_status adversarial_run(gp_model *m, const char *disc, const gp_image *y,
                                 const gp_image *mask, float weight, gp_image *out,
                                 gp_invert_report *report, gp_error *err)
{
    gp_invert_params p = quick(GP_TASK_INPAINT, GP_METHOD_MULTICODE, 20);
    p.tune.adversarial_weight = weight;
    p.tune.adversarial_local_weight = weight;
    p.files.discriminator = disc;
    *report = (gp_invert_report){ 0 };
    return gp_invert(m, &p, y, mask, out, report, err);
}

/* The discriminator next to the model is used, the model's weights come
 * back, and without it (or with zero weights) the tuning runs as if the
 * terms were off. */
static void test_adversarial_found(gp_model *m, const char *disc, const gp_image *y,
                                   const gp_image *mask)
{
    char side[600];
    size_t n = 0;
    char *bytes = file_bytes(disc, &n);
    gp_error err;
    CHECK(gp_disc_find(m, NULL, side, sizeof side, &err) == GP_ERR_IO && bytes &&
          write_file(side, bytes, n), "cannot put the discriminator next to the model");
    gp_image before = { 0 }, after = { 0 }, a = { 0 }, b = { 0 }, off = { 0 }, gone = { 0 };
    gp_invert_report ra, rb, roff, rgone;
    CHECK(gp_model_sample(m, 99, &before, &err) == GP_OK, "sample: %s", err.message);
    CHECK(adversarial_run(m, NULL, y, mask, 0.5f, &a, &ra, &err) == GP_OK && ra.adversarial &&
          ra.tune_steps == 20, "with the discriminator: %s, adversarial %d", err.message, ra.adversarial);
    CHECK(adversarial_run(m, NULL, y, mask, 0.5f, &b, &rb, &err) == GP_OK && same_image(&a, &b),
          "a second run with the discriminator differs");
    CHECK(gp_model_sample(m, 99, &after, &err) == GP_OK && same_image(&before, &after),
          "the model's samples changed after adversarial tuning");
    CHECK(adversarial_run(m, NULL, y, mask, 0.0f, &off, &roff, &err) == GP_OK && !roff.adversarial &&
          !same_image(&a, &off), "zero weights: %s, adversarial %d, same image as with the terms %d",
          err.message, roff.adversarial, same_image(&a, &off));
    remove(side);
    CHECK(adversarial_run(m, NULL, y, mask, 0.5f, &gone, &rgone, &err) == GP_OK && !rgone.adversarial &&
          same_image(&gone, &off), "no discriminator: %s, adversarial %d, same as without the terms %d",
          err.message, rgone.adversarial, same_image(&gone, &off));
    free(bytes);
    gp_image_release(&before);
    gp_image_release(&after);
    gp_image_release(&a);
    gp_image_release(&b);
    gp_image_release(&off);
    gp_image_release(&gone);
}

/* A named discriminator that cannot be used is an error naming it, and
 * the output is left alone. */
static void expect_bad_disc(gp_model *m, const char *path, const gp_image *y, const gp_image *mask,
                            gp_status want, const char *what)
{
    float sentinel = 42.0f;
    gp_image out = { 1, 1, 3, &sentinel };
    gp_invert_report r;
    gp_error err = { 0 };
    gp_status s = adversarial_run(m, path, y, mask, 0.5f, &out, &r, &err);
    printf("%s: %s\n", what, err.message);
    CHECK(s == want && strstr(err.message, path), "%s: status %d (wanted %d), '%s'", what, s, want,
          err.message);
    CHECK(out.data == &sentinel, "%s: the output was replaced", what);
}

/* A header-only file (no tensors) whose arch is arch. */
static const char *arch_file(const char *name, const char *arch)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", testmodel_tmpdir(), name);
    const char *kv[] = { "ganprior.arch", arch, "ganprior.name", name };
    CHECK(gp_safetensors_write(p, NULL, 0, kv, 2, NULL) == GP_OK, "cannot write %s", p);
    return p;
}

static void test_adversarial_errors(gp_model *m, const char *model_path, const char *disc,
                                    const gp_image *y, const gp_image *mask)
{
    char missing[600], cut[600];
    snprintf(missing, sizeof missing, "%s/missing-disc.safetensors", testmodel_tmpdir());
    expect_bad_disc(m, missing, y, mask, GP_ERR_IO, "a missing file");
    expect_bad_disc(m, arch_file("gray.safetensors", "{\"family\": \"sequential\", \"input\": "
                    "[1, 16, 16], \"layers\": [{\"type\": \"avgpool\", \"k\": 2}]}"),
                    y, mask, GP_ERR_FORMAT, "a 1-channel input");
    expect_bad_disc(m, arch_file("rgb-out.safetensors", "{\"family\": \"sequential\", \"input\": "
                    "[3, 16, 16], \"layers\": [{\"type\": \"avgpool\", \"k\": 2}]}"),
                    y, mask, GP_ERR_FORMAT, "3 channels out");
    expect_bad_disc(m, arch_file("small.safetensors", "{\"family\": \"sequential\", \"input\": "
                    "[3, 8, 8], \"layers\": [{\"type\": \"conv2d\", \"cin\": 3, \"cout\": 1, "
                    "\"k\": 1, \"bias\": false}]}"), y, mask, GP_ERR_ARGUMENT, "another size");
    expect_bad_disc(m, model_path, y, mask, GP_ERR_FORMAT, "a generator file");
    size_t n = 0;
    char *bytes = file_bytes(disc, &n);
    snprintf(cut, sizeof cut, "%s/cut-disc.safetensors", testmodel_tmpdir());
    CHECK(bytes && write_file(cut, bytes, n / 2), "cannot write %s", cut);
    expect_bad_disc(m, cut, y, mask, GP_ERR_FORMAT, "a truncated file");
    free(bytes);
    /* Not looked for when the terms are off. */
    gp_image out = { 0 };
    gp_invert_report r;
    gp_error err;
    CHECK(adversarial_run(m, missing, y, mask, 0.0f, &out, &r, &err) == GP_OK && !r.adversarial,
          "zero weights with a missing named file: %s", err.message);
    gp_image_release(&out);
}

/* Real faces: reconstruction PSNR with and without tuning; the model
 * file's bytes unchanged. */
static void test_faces(const char *model, const char *faces_path)
{
    if (!ref_exists(model) || !ref_exists(faces_path)) {
        printf("faces part skipped: model or faces fixture not found\n");
        return;
    }
    size_t nbytes = 0, nafter = 0;
    char *bytes = file_bytes(model, &nbytes);
    gp_model *m;
    gp_error err;
    gp_safetensors *st;
    if (gp_model_load(model, &m, &err) != GP_OK || gp_safetensors_open(faces_path, &st, &err) != GP_OK) {
        CHECK(0, "faces: %s", err.message);
        free(bytes);
        return;
    }
    size_t count;
    int64_t dims[4];
    float *faces = ref_tensor(st, "faces", &count, dims);
    const int n = faces ? (int)(dims[0] < 4 ? dims[0] : 4) : 0;
    double plain = 0.0, tuned = 0.0;
    for (int i = 0; i < n; i++) {
        gp_image face = { (int)dims[2], (int)dims[1], 3, faces + (size_t)i * dims[1] * dims[2] * 3 };
        gp_invert_params p;
        gp_invert_params_default(&p, GP_TASK_RECONSTRUCT);
        p.search.perceptual_weight = 0.0f;
        gp_image a = { 0 }, b = { 0 };
        CHECK(gp_invert(m, &p, &face, NULL, &a, NULL, &err) == GP_OK, "face %d: %s", i, err.message);
        p.tune.steps = 100;
        CHECK(gp_invert(m, &p, &face, NULL, &b, NULL, &err) == GP_OK, "face %d tuned: %s", i, err.message);
        if (a.data && b.data) {
            printf("face %d: multicode %.2f dB, tuned 100 steps %.2f dB\n", i, psnr_image(&a, &face),
                   psnr_image(&b, &face));
            plain += psnr_image(&a, &face) / n;
            tuned += psnr_image(&b, &face) / n;
        }
        gp_image_release(&a);
        gp_image_release(&b);
    }
    printf("mean over %d held-out faces: multicode %.2f dB, tuned %.2f dB\n", n, plain, tuned);
    CHECK(n > 0 && tuned >= plain + 4.0, "tuning gained only %.2f dB", tuned - plain);
    char *again = file_bytes(model, &nafter);
    CHECK(bytes && again && nbytes == nafter && !memcmp(bytes, again, nbytes),
          "the model file changed");
    free(bytes);
    free(again);
    free(faces);
    gp_safetensors_close(st);
    gp_model_free(m);
}

int main(int argc, char **argv)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pggan16.safetensors", testmodel_tmpdir());
    const int channels[3] = { 32, 32, 16 };
    CHECK(testmodel_write_pggan(path, 16, 32, channels, 13), "cannot write the test model");
    gp_model *m = NULL;
    gp_error err;
    CHECK(gp_model_load(path, &m, &err) == GP_OK, "load: %s", err.message);
    if (!m)
        return CHECK_DONE();
    /* A target the generator cannot make exactly: a sample of another
     * random generator of the same shape. */
    char other_path[512];
    snprintf(other_path, sizeof other_path, "%s/other16.safetensors", testmodel_tmpdir());
    gp_model *other = NULL;
    gp_image y = { 0 }, small = { 0 }, mask = { 0 };
    CHECK(testmodel_write_pggan(other_path, 16, 32, channels, 14) &&
          gp_model_load(other_path, &other, &err) == GP_OK && gp_model_sample(other, 3, &y, &err) == GP_OK &&
          gp_image_reduce(&y, 4, &small, &err) == GP_OK && gp_image_alloc(&mask, 16, 16, 1) == GP_OK,
          "target: %s", err.message);
    for (int i = 0; i < 16 * 16; i++)
        mask.data[i] = (i % 16 >= 4 && i % 16 < 10 && i / 16 >= 5 && i / 16 < 12) ? 1.0f : 0.0f;
    gp_subspace_params sp;
    gp_subspace_params_default(&sp);
    sp.subspaces = 4;
    sp.steps = 20;
    gp_subspaces *sub = NULL;
    CHECK(gp_subspaces_learn(m, &sp, &sub, &err) == GP_OK, "subspaces: %s", err.message);
    test_lowers_loss(m, &y, &mask, &small, sub);
    test_model_unchanged(m, &y);
    test_bad_args(m, &y, sub);
    if (argc >= 2 && ref_exists(argv[1])) {
        test_adversarial_found(m, argv[1], &y, &mask);
        test_adversarial_errors(m, path, argv[1], &y, &mask);
    } else {
        printf("adversarial part skipped: no discriminator file (tests/disc_reference.py)\n");
    }
    gp_subspaces_free(sub);
    gp_image_release(&y);
    gp_image_release(&small);
    gp_image_release(&mask);
    gp_model_free(other);
    gp_model_free(m);
    remove(path);
    remove(other_path);
    if (argc >= 4)
        test_faces(argv[2], argv[3]);
    return CHECK_DONE();
}
