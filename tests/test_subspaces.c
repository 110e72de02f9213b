/* test_subspaces.c — finding channel subspaces (PmSFC): spectral
 * clustering recovers planted groups in a block-structured affinity;
 * subspace learning recovers planted groups of channels in a generator
 * whose feature is a union of low-rank subspaces; the sidecar file
 * round-trips and is checked against its model; the same seed gives the
 * same labels. */
#include "check.h"
#include "ganprior.h"
#include "core/rng.h"
#include "model/safetensors.h"
#include "subspace/spectral.h"
#include "testmodel.h"

#include <stdlib.h>
#include <string.h>

/* Whether labels group exactly the items truth groups (any numbering). */
static bool same_partition(const int *labels, const int *truth, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if ((labels[i] == labels[j]) != (truth[i] == truth[j]))
                return false;
    return true;
}

/* Groups of uneven sizes at shuffled positions. */
static void plant(gp_rng *r, int n, int k, int *truth)
{
    for (int i = 0; i < n; i++)
        truth[i] = i < n / 2 ? i % 2 : i % k; /* groups 0 and 1 are larger */
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(gp_rng_uniform(r) * (i + 1)), t = truth[i];
        truth[i] = truth[j];
        truth[j] = t;
    }
}

static void test_spectral_planted(void)
{
    enum { N = 60, K = 5 };
    gp_rng r;
    gp_rng_seed(&r, 21);
    int truth[N], labels[N], again[N];
    plant(&r, N, K, truth);
    float *a = malloc(sizeof(float) * N * N);
    for (int i = 0; i < N; i++)
        for (int j = 0; j <= i; j++) {
            /* dense inside a group, sparse weak noise across groups */
            float w = truth[i] == truth[j] ? 0.5f + 0.5f * (float)gp_rng_uniform(&r)
                                           : (gp_rng_uniform(&r) < 0.2 ? 0.1f * (float)gp_rng_uniform(&r) : 0.0f);
            a[i * N + j] = a[j * N + i] = i == j ? 0.0f : w;
        }
    gp_error err;
    CHECK(gp_spectral_cluster(a, N, K, 1, labels, &err) == GP_OK, "spectral: %s", err.message);
    CHECK(same_partition(labels, truth, N), "spectral clustering missed the planted groups");
    CHECK(labels[0] == 0, "labels are not numbered by first appearance (first is %d)", labels[0]);
    CHECK(gp_spectral_cluster(a, N, K, 1, again, &err) == GP_OK && !memcmp(labels, again, sizeof labels),
          "spectral clustering is not deterministic");
    CHECK(gp_spectral_cluster(a, N, N + 1, 1, again, &err) == GP_ERR_ARGUMENT, "k > n accepted");
    free(a);
}

/* A sequential generator whose feature at block 1 (c channels, 2x2
 * pixels) is a union of K subspaces of rank 2: channel i of group g is
 * a_i1 s_g1(z) + a_i2 s_g2(z), the s_g maps reading only group g's
 * slice of z, so a channel is exactly rebuilt from its own group alone.
 * G2 is a 1x1 convolution to RGB. */
enum { PC = 24, PK = 3, PHW = 4, PQ = 3, PLAT = PK * PQ };

static bool write_planted(const char *path, const int *truth, uint64_t seed)
{
    gp_rng r;
    gp_rng_seed(&r, seed);
    static float basis[PK][2][PHW][PQ], dense[PC * PHW * PLAT], conv[3 * PC], bias[3];
    for (float *v = &basis[0][0][0][0]; v < &basis[0][0][0][0] + sizeof basis / sizeof(float); v++)
        *v = gp_rng_normal(&r);
    memset(dense, 0, sizeof dense);
    for (int i = 0; i < PC; i++) {
        float a1 = gp_rng_normal(&r), a2 = gp_rng_normal(&r);
        int g = truth[i];
        for (int p = 0; p < PHW; p++)
            for (int q = 0; q < PQ; q++)
                dense[(i * PHW + p) * PLAT + g * PQ + q] = a1 * basis[g][0][p][q] + a2 * basis[g][1][p][q];
    }
    for (int i = 0; i < 3 * PC; i++)
        conv[i] = 0.3f * gp_rng_normal(&r);
    memset(bias, 0, sizeof bias);
    char arch[1024];
    snprintf(arch, sizeof arch,
             "{\"family\":\"sequential\",\"latent_size\":%d,\"input\":[%d,1,1],\"layers\":["
             "{\"type\":\"dense\",\"name\":\"fc\",\"in\":%d,\"out\":[%d,2,2],\"bias\":false},"
             "{\"type\":\"conv2d\",\"name\":\"rgb\",\"cin\":%d,\"cout\":3,\"k\":1,\"bias\":true,\"block\":true}]}",
             PLAT, PLAT, PLAT, PC, PC);
    const gp_st_entry t[] = { { "fc.weight", 2, { PC * PHW, PLAT }, dense },
                              { "rgb.weight", 4, { 3, PC, 1, 1 }, conv },
                              { "rgb.bias", 1, { 3 }, bias } };
    const char *kv[] = { "ganprior.arch", arch, "ganprior.name", "planted-subspaces" };
    return gp_safetensors_write(path, t, 3, kv, 2, NULL) == GP_OK;
}

static void test_learn_planted(void)
{
    char path[512], side[512];
    snprintf(path, sizeof path, "%s/planted.safetensors", testmodel_tmpdir());
    gp_rng r;
    gp_rng_seed(&r, 5);
    int truth[PC];
    plant(&r, PC, PK, truth);
    CHECK(write_planted(path, truth, 8), "cannot write the planted model");
    gp_model *m = NULL;
    gp_error err;
    CHECK(gp_model_load(path, &m, &err) == GP_OK, "planted model: %s", err.message);
    if (!m)
        return;
    gp_subspace_params p;
    gp_subspace_params_default(&p);
    p.subspaces = PK;
    p.split_block = 1;
    gp_subspaces *s = NULL, *again = NULL, *loaded = NULL;
    CHECK(gp_subspaces_learn(m, &p, &s, &err) == GP_OK, "learn: %s", err.message);
    CHECK(gp_subspaces_learn(m, &p, &again, &err) == GP_OK, "learn again: %s", err.message);
    if (!s || !again)
        return;
    const gp_subspaces_info *si = gp_subspaces_get_info(s);
    printf("planted: feature loss %.4g of energy %.4g after %d steps, %.2f s\n", si->feature_loss,
           si->feature_energy, si->steps, si->seconds);
    CHECK(si->channels == PC && si->subspaces == PK && si->split_block == 1, "info %d %d %d",
          si->channels, si->subspaces, si->split_block);
    CHECK(same_partition(si->labels, truth, PC), "subspace learning missed the planted groups");
    CHECK(si->feature_loss < 0.2f * si->feature_energy, "C·F explains too little: %g of %g",
          si->feature_loss, si->feature_energy);
    CHECK(!memcmp(si->labels, gp_subspaces_get_info(again)->labels, sizeof(int) * PC),
          "the same seed gave different labels");

    CHECK(gp_subspaces_path(m, side, sizeof side, &err) == GP_OK &&
          strstr(side, "/planted.subspaces.safetensors"), "sidecar path %s", side);
    CHECK(gp_subspaces_save(s, side, &err) == GP_OK, "save: %s", err.message);
    CHECK(gp_subspaces_load(m, side, &loaded, &err) == GP_OK, "load: %s", err.message);
    if (loaded) {
        const gp_subspaces_info *li = gp_subspaces_get_info(loaded);
        CHECK(!memcmp(li->labels, si->labels, sizeof(int) * PC) && li->steps == si->steps &&
              li->feature_loss == si->feature_loss && !strcmp(li->model, "planted-subspaces"),
              "the sidecar does not round-trip");
    }
    /* Another model (another name, other channels) must refuse it. */
    char other[512];
    snprintf(other, sizeof other, "%s/other.safetensors", testmodel_tmpdir());
    const int channels[4] = { 16, 16, 8, 8 };
    gp_model *o = NULL;
    gp_subspaces *wrong = NULL;
    if (testmodel_write_pggan(other, 32, 16, channels, 3) && gp_model_load(other, &o, &err) == GP_OK)
        CHECK(gp_subspaces_load(o, side, &wrong, &err) == GP_ERR_ARGUMENT && !wrong &&
              strstr(err.message, "belong to model 'planted-subspaces'"), "foreign sidecar: %s", err.message);
    CHECK(gp_subspaces_load(m, path, &wrong, &err) == GP_ERR_FORMAT && !wrong,
          "a model file read as subspaces: %s", err.message);
    p.subspaces = PC + 1;
    CHECK(gp_subspaces_learn(m, &p, &wrong, &err) == GP_ERR_ARGUMENT && strstr(err.message, "subspaces must be"),
          "K > channels: %s", err.message);
    gp_subspaces_free(s);
    gp_subspaces_free(again);
    gp_subspaces_free(loaded);
    gp_model_free(m);
    gp_model_free(o);
    remove(path);
    remove(side);
    remove(other);
}

int main(void)
{
    test_spectral_planted();
    test_learn_planted();
    return CHECK_DONE();
}
