/* test_model_files.c — malformed model files are refused with a clear
 * message and the right status, never a crash; F16 and F32 files load to
 * the same values; write -> read round-trips.
 *
 * Every file is generated here, in a temporary folder, from a tiny valid
 * model (dense 4 -> [3,2,2], tanh) by gp_safetensors_write plus byte-level
 * edits, so no binary junk is committed. */
#include "check.h"
#include "ganprior.h"
#include "model/model.h"
#include "model/safetensors.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static const char *tmp(const char *name)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

#define ARCH_HEAD "{\"family\":\"sequential\",\"latent_size\":4,\"input\":[4,1,1],\"layers\":["
#define DENSE "{\"type\":\"dense\",\"name\":\"fc\",\"in\":4,\"out\":[3,2,2],\"bias\":true}"
static const char *good_arch = ARCH_HEAD DENSE ",{\"type\":\"tanh\"}]}";

static float weight[48], bias[12];

/* A model file with the tiny architecture (or arch) and the given entries. */
static void write_model(const char *path, const char *arch, const gp_st_entry *t, int n)
{
    const char *kv[] = { "ganprior.arch", arch, "ganprior.name", "tiny" };
    gp_error err;
    gp_status s = gp_safetensors_write(path, t, n, kv, arch ? 2 : 0, &err);
    CHECK(s == GP_OK, "writing %s: %s", path, err.message);
}

static void write_good(const char *path, const char *arch)
{
    gp_st_entry t[2] = { { "fc.weight", 2, { 12, 4 }, weight },
                         { "fc.bias", 1, { 12 }, bias } };
    write_model(path, arch, t, 2);
}

/* A file made of a declared header length (0: the text's own), a header
 * text and data bytes. */
static void write_raw(const char *path, uint64_t declared, const char *header,
                      const void *data, size_t ndata)
{
    if (!declared)
        declared = strlen(header);
    FILE *f = fopen(path, "wb");
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(declared >> (8 * i));
    fwrite(len, 1, 8, f);
    fwrite(header, 1, strlen(header), f);
    if (ndata)
        fwrite(data, 1, ndata, f);
    fclose(f);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (n)
        fwrite(p, 1, n, f);
    fclose(f);
}

/* Loads path as a model and checks the status and that the message
 * mentions every string in want (NULL-terminated). */
static void expect_model(const char *what, const char *path, gp_status want, ...)
{
    gp_model *m = NULL;
    gp_error err = { GP_OK, "" };
    gp_status s = gp_model_load(path, &m, &err);
    CHECK(s == want, "%s: status %s, expected %s (%s)", what, gp_status_string(s),
          gp_status_string(want), err.message);
    CHECK(s == GP_OK || (m == NULL && err.message[0]), "%s: failure without a message", what);
    va_list ap;
    va_start(ap, want);
    for (const char *sub; (sub = va_arg(ap, const char *));)
        CHECK(strstr(err.message, sub), "%s: message \"%s\" does not mention \"%s\"", what,
              err.message, sub);
    va_end(ap);
    printf("%-26s -> %s: %s\n", what, gp_status_string(s), err.message);
    gp_model_free(m);
}

static void test_container(void)
{
    write_bytes(tmp("empty"), "", 0);
    expect_model("empty file", tmp("empty"), GP_ERR_FORMAT, "too short", NULL);
    write_bytes(tmp("seven"), "\x10\0\0\0\0\0\0", 7);
    expect_model("7-byte file", tmp("seven"), GP_ERR_FORMAT, "too short", NULL);
    write_raw(tmp("long"), 4096, "{}      ", NULL, 0);
    expect_model("header past end of file", tmp("long"), GP_ERR_FORMAT, "header length 4096", NULL);
    write_raw(tmp("huge"), 1ull << 40, "{}      ", NULL, 0);
    expect_model("header length 2^40", tmp("huge"), GP_ERR_FORMAT, "header length", NULL);
    write_raw(tmp("badjson"), 0, "{\"a\": [1, 2}   ", NULL, 0);
    expect_model("bad JSON", tmp("badjson"), GP_ERR_FORMAT, "not valid JSON", NULL);
    write_raw(tmp("trailing"), 0, "{}  xx          ", NULL, 0);
    expect_model("bytes after the JSON", tmp("trailing"), GP_ERR_FORMAT, "trailing", NULL);
    write_raw(tmp("array"), 0, "[1, 2] ", NULL, 0);
    expect_model("JSON array root", tmp("array"), GP_ERR_FORMAT, "not a JSON object", NULL);

    float d[8] = { 0 };
    write_raw(tmp("nooffsets"), 0, "{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}      ", d, 8);
    expect_model("missing data_offsets", tmp("nooffsets"), GP_ERR_FORMAT, "'x'", "data_offsets", NULL);
    write_raw(tmp("overlap"), 0,
              "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
              "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}  ", d, 32);
    expect_model("overlapping tensors", tmp("overlap"), GP_ERR_FORMAT, "overlap", NULL);
    write_raw(tmp("count"), 0, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}       ",
              d, 16);
    expect_model("shape/bytes mismatch", tmp("count"), GP_ERR_FORMAT, "'a'", "16 bytes", "12", NULL);
    write_raw(tmp("bf16"), 0, "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}       ",
              d, 4);
    expect_model("BF16 dtype", tmp("bf16"), GP_ERR_UNSUPPORTED, "BF16", NULL);
    write_raw(tmp("neg"), 0, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}       ",
              d, 4);
    expect_model("negative dimension", tmp("neg"), GP_ERR_FORMAT, "bad shape", NULL);
    write_raw(tmp("meta"), 0, "{\"__metadata__\":{\"k\":1}}       ", NULL, 0);
    expect_model("non-string metadata", tmp("meta"), GP_ERR_FORMAT, "'k'", NULL);

    /* A valid file cut short: the last tensor's bytes run past the end. */
    write_good(tmp("full"), good_arch);
    FILE *f = fopen(tmp("full"), "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    unsigned char *buf = malloc((size_t)size);
    CHECK(fread(buf, 1, (size_t)size, f) == (size_t)size, "reading back");
    fclose(f);
    write_bytes(tmp("truncated"), buf, (size_t)size - 5);
    expect_model("truncated file", tmp("truncated"), GP_ERR_FORMAT, "outside the file", NULL);
    /* Header length field pointing into the JSON: the text ends early. */
    buf[0] = 20;
    for (int i = 1; i < 8; i++)
        buf[i] = 0;
    write_bytes(tmp("shortlen"), buf, (size_t)size);
    expect_model("header length too small", tmp("shortlen"), GP_ERR_FORMAT, "JSON", NULL);
    free(buf);

    expect_model("nonexistent path", tmp("no-such-file"), GP_ERR_IO, "no-such-file", NULL);
    expect_model("a directory", dir, GP_ERR_IO, "not a regular file", NULL);
}

static void test_model_checks(void)
{
    write_good(tmp("good"), good_arch);
    expect_model("valid model", tmp("good"), GP_OK, NULL);

    weight[5] = NAN;
    write_good(tmp("nan"), good_arch);
    expect_model("NaN in weights", tmp("nan"), GP_ERR_FORMAT, "fc.weight", "NaN", NULL);
    weight[5] = INFINITY;
    write_good(tmp("inf"), good_arch);
    expect_model("infinity in weights", tmp("inf"), GP_ERR_FORMAT, "fc.weight", NULL);
    weight[5] = 0.5f;

    gp_st_entry only_w[1] = { { "fc.weight", 2, { 12, 4 }, weight } };
    write_model(tmp("missing"), good_arch, only_w, 1);
    expect_model("missing tensor", tmp("missing"), GP_ERR_FORMAT, "'fc.bias'", "missing", NULL);

    gp_st_entry wrong[2] = { { "fc.weight", 2, { 4, 12 }, weight }, { "fc.bias", 1, { 12 }, bias } };
    write_model(tmp("wrongshape"), good_arch, wrong, 2);
    expect_model("wrong shape", tmp("wrongshape"), GP_ERR_FORMAT, "'fc.weight'", "[4, 12]",
                 "[12, 4]", NULL);

    gp_st_entry extra[3] = { { "fc.weight", 2, { 12, 4 }, weight }, { "fc.bias", 1, { 12 }, bias },
                             { "fc.extra", 1, { 3 }, bias } };
    write_model(tmp("extra"), good_arch, extra, 3);
    expect_model("unexpected extra tensor", tmp("extra"), GP_ERR_FORMAT, "'fc.extra'", "unexpected", NULL);

    write_good(tmp("noarch"), NULL);
    expect_model("missing ganprior.arch", tmp("noarch"), GP_ERR_FORMAT, "ganprior.arch", NULL);
    write_good(tmp("archtext"), "not json at all");
    expect_model("ganprior.arch not JSON", tmp("archtext"), GP_ERR_FORMAT, "ganprior.arch", NULL);
    write_good(tmp("family"), "{\"family\":\"stylegan9\",\"latent_size\":4}");
    expect_model("unknown family", tmp("family"), GP_ERR_UNSUPPORTED, "stylegan9", NULL);
    write_good(tmp("nofamily"), "{\"latent_size\":4}");
    expect_model("no family", tmp("nofamily"), GP_ERR_FORMAT, "family", NULL);
    write_good(tmp("layertype"), ARCH_HEAD DENSE ",{\"type\":\"frobnicate\"}]}");
    expect_model("bad layer type", tmp("layertype"), GP_ERR_FORMAT, "frobnicate", "layer 1", NULL);
    write_good(tmp("nolayers"), ARCH_HEAD "]}");
    expect_model("empty layer list", tmp("nolayers"), GP_ERR_FORMAT, "layers", NULL);
    write_good(tmp("chain"), ARCH_HEAD DENSE ",{\"type\":\"maxpool\",\"k\":3}]}");
    expect_model("inconsistent chain", tmp("chain"), GP_ERR_FORMAT, "layer 1", "does not fit", NULL);
    write_good(tmp("input"), "{\"family\":\"sequential\",\"input\":[5,1,1],\"layers\":[" DENSE "]}");
    expect_model("input does not fit", tmp("input"), GP_ERR_FORMAT, "layer 0", "does not fit", NULL);
    write_good(tmp("notrgb"), ARCH_HEAD "{\"type\":\"dense\",\"name\":\"fc\",\"in\":4,\"out\":[12,1,1]}]}");
    expect_model("not a 3-channel image", tmp("notrgb"), GP_ERR_FORMAT, "3-channel", NULL);
    write_good(tmp("dist"), "{\"family\":\"sequential\",\"latent_dist\":\"cauchy\",\"input\":[4,1,1],"
                            "\"layers\":[" DENSE "]}");
    expect_model("unknown latent_dist", tmp("dist"), GP_ERR_FORMAT, "cauchy", NULL);
    /* JSON nulls and wrong types where strings are expected */
    write_good(tmp("nullfamily"), "{\"family\":null,\"input\":[4,1,1],\"layers\":[" DENSE "]}");
    expect_model("null family", tmp("nullfamily"), GP_ERR_FORMAT, "family", NULL);
    write_good(tmp("nulldist"), "{\"family\":\"sequential\",\"latent_dist\":null,\"input\":[4,1,1],"
                                "\"layers\":[" DENSE "]}");
    expect_model("null latent_dist", tmp("nulldist"), GP_ERR_FORMAT, "latent_dist", NULL);
    write_good(tmp("nulltype"), ARCH_HEAD DENSE ",{\"type\":null}]}");
    expect_model("null layer type", tmp("nulltype"), GP_ERR_FORMAT, "layer 1", NULL);
    write_good(tmp("numtype"), ARCH_HEAD DENSE ",{\"type\":5}]}");
    expect_model("numeric layer type", tmp("numtype"), GP_ERR_FORMAT, "layer 1", NULL);
    write_good(tmp("nullname"), ARCH_HEAD DENSE ",{\"type\":\"frobnicate\",\"name\":null}]}");
    expect_model("null layer name", tmp("nullname"), GP_ERR_FORMAT, "layer 1", NULL);
    write_good(tmp("notobj"), ARCH_HEAD DENSE ",7]}");
    expect_model("layer not an object", tmp("notobj"), GP_ERR_FORMAT, "layer 1", NULL);
    write_good(tmp("stride0"), ARCH_HEAD DENSE ",{\"type\":\"maxpool\",\"k\":1,\"stride\":0}]}");
    expect_model("zero pooling stride", tmp("stride0"), GP_ERR_FORMAT, "layer 1", NULL);
    write_good(tmp("negk"), ARCH_HEAD DENSE ",{\"type\":\"conv2d\",\"name\":\"c\",\"cin\":3,\"cout\":3,"
                            "\"k\":-1}]}");
    expect_model("negative kernel size", tmp("negk"), GP_ERR_FORMAT, "layer 1", NULL);
    write_good(tmp("pggan"), "{\"family\":\"pggan\",\"resolution\":12,\"latent_size\":4,\"channels\":[4,4]}");
    expect_model("bad pggan resolution", tmp("pggan"), GP_ERR_FORMAT, "power of two", NULL);
}

/* Header-only model files that ask for networks beyond the limits of
 * model/limits.h: before the limits, the first loaded as a 32768² generator
 * (12.6 GB to run), the second overflowed int in the up-sampling's shape
 * arithmetic, the others asked for terabytes of weights.  Each must be
 * refused at load, by name, before anything that size is allocated. */
static void test_limits(void)
{
    char arch[1024] = "{\"family\":\"sequential\",\"input\":[3,1,1],\"layers\":[";
    for (int i = 0; i < 15; i++)
        strcat(arch, i ? ",{\"type\":\"upsample2\"}" : "{\"type\":\"upsample2\"}");
    strcat(arch, "]}");
    write_model(tmp("huge"), arch, NULL, 0);
    expect_model("32768 x 32768 generator", tmp("huge"), GP_ERR_FORMAT, "layer 12", "limits", NULL);
    write_model(tmp("overflow"), "{\"family\":\"sequential\",\"input\":[3,1048576,1],\"layers\":["
                "{\"type\":\"upsample2\"}]}", NULL, 0);
    expect_model("side beyond the limits", tmp("overflow"), GP_ERR_FORMAT, "input", NULL);
    write_model(tmp("bigconv"), "{\"family\":\"sequential\",\"input\":[3,4,4],\"layers\":["
                "{\"type\":\"conv2d\",\"name\":\"c\",\"cin\":3,\"cout\":16777216,\"k\":3}]}", NULL, 0);
    expect_model("16M-channel convolution", tmp("bigconv"), GP_ERR_FORMAT, "layer 0", "limits", NULL);
    write_model(tmp("bigdense"), "{\"family\":\"sequential\",\"input\":[4,1,1],\"layers\":["
                "{\"type\":\"dense\",\"name\":\"fc\",\"in\":4,\"out\":[65536,8192,1]}]}", NULL, 0);
    expect_model("2^29-output dense layer", tmp("bigdense"), GP_ERR_FORMAT, "layer 0", "limits", NULL);
    write_model(tmp("stride"), "{\"family\":\"sequential\",\"input\":[3,4,4],\"layers\":["
                "{\"type\":\"conv_transpose2d\",\"name\":\"t\",\"cin\":3,\"cout\":3,\"k\":3,"
                "\"stride\":2000000000,\"pad\":[0,0]}]}", NULL, 0);
    expect_model("huge transposed stride", tmp("stride"), GP_ERR_FORMAT, "layer 0", "limits", NULL);
    write_model(tmp("pad"), "{\"family\":\"sequential\",\"input\":[3,4,4],\"layers\":["
                "{\"type\":\"conv2d\",\"name\":\"c\",\"cin\":3,\"cout\":3,\"k\":3,\"pad\":2000000000}]}",
                NULL, 0);
    expect_model("huge padding", tmp("pad"), GP_ERR_FORMAT, "layer 0", "limits", NULL);
}

/* gp_model_load_memory reads the same bytes to the same model. */
static void test_memory_load(void)
{
    write_good(tmp("mem"), good_arch);
    FILE *f = fopen(tmp("mem"), "rb");
    unsigned char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    gp_error err;
    gp_model *a = NULL, *b = NULL;
    CHECK(gp_model_load(tmp("mem"), &a, &err) == GP_OK, "%s", err.message);
    CHECK(gp_model_load_memory(buf, n, "in memory", &b, &err) == GP_OK, "%s", err.message);
    if (a && b) {
        gp_image ia = { 0 }, ib = { 0 };
        CHECK(gp_model_sample(a, 5, &ia, &err) == GP_OK && gp_model_sample(b, 5, &ib, &err) == GP_OK,
              "%s", err.message);
        CHECK(ia.data && ib.data && !memcmp(ia.data, ib.data, 12 * sizeof(float)),
              "the model loaded from memory renders differently");
        gp_image_release(&ia);
        gp_image_release(&ib);
    }
    gp_model_free(a);
    gp_model_free(b);
    CHECK(gp_model_load_memory(buf, 7, "seven bytes", &b, &err) == GP_ERR_FORMAT && !b &&
          strstr(err.message, "seven bytes"), "a 7-byte buffer: %s", err.message);
    CHECK(gp_model_load_memory(buf, n - 1, "cut short", &b, &err) != GP_OK && !b, "a buffer one byte short loaded");
}

/* IEEE half from a float that half represents exactly (test values only). */
static uint16_t to_half(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    uint16_t sign = (uint16_t)((b >> 16) & 0x8000);
    if (v == 0.0f)
        return sign;
    int e = (int)((b >> 23) & 0xff) - 127 + 15;
    return (uint16_t)(sign | (e << 10) | ((b >> 13) & 0x3ff));
}

static void test_f16_and_round_trip(void)
{
    /* Values exact in half precision, so both files hold the same numbers. */
    for (int i = 0; i < 48; i++)
        weight[i] = (float)((i * 7) % 19 - 9) / 16.0f;
    for (int i = 0; i < 12; i++)
        bias[i] = (float)(i - 6) / 8.0f;
    write_good(tmp("f32"), good_arch);

    char header[1024];
    char arch_escaped[512];
    size_t j = 0;
    for (const char *p = good_arch; *p; p++) {
        if (*p == '"')
            arch_escaped[j++] = '\\';
        arch_escaped[j++] = *p;
    }
    arch_escaped[j] = '\0';
    int len = snprintf(header, sizeof header,
                       "{\"__metadata__\":{\"ganprior.arch\":\"%s\"},"
                       "\"fc.bias\":{\"dtype\":\"F16\",\"shape\":[12],\"data_offsets\":[96,120]},"
                       "\"fc.weight\":{\"dtype\":\"F16\",\"shape\":[12,4],\"data_offsets\":[0,96]}}",
                       arch_escaped);
    while (len % 8)
        header[len++] = ' ';
    header[len] = '\0';
    uint16_t half[60];
    for (int i = 0; i < 48; i++)
        half[i] = to_half(weight[i]);
    for (int i = 0; i < 12; i++)
        half[48 + i] = to_half(bias[i]);
    write_raw(tmp("f16"), (uint64_t)len, header, half, sizeof half);

    gp_error err;
    gp_safetensors *a = NULL, *b = NULL;
    CHECK(gp_safetensors_open(tmp("f32"), &a, &err) == GP_OK, "open f32: %s", err.message);
    CHECK(gp_safetensors_open(tmp("f16"), &b, &err) == GP_OK, "open f16: %s", err.message);
    if (a && b) {
        CHECK(gp_safetensors_find(b, "fc.weight")->dtype == GP_DTYPE_F16, "f16 dtype");
        float wa[48], wb[48], ba[12];
        int wd[2] = { 12, 4 }, bd[1] = { 12 };
        CHECK(gp_safetensors_read(a, "fc.weight", 2, wd, wa, &err) == GP_OK, "%s", err.message);
        CHECK(gp_safetensors_read(b, "fc.weight", 2, wd, wb, &err) == GP_OK, "%s", err.message);
        CHECK(gp_safetensors_read(a, "fc.bias", 1, bd, ba, &err) == GP_OK, "%s", err.message);
        CHECK(memcmp(wa, wb, sizeof wa) == 0, "F16 and F32 weights differ");
        CHECK(memcmp(wa, weight, sizeof wa) == 0 && memcmp(ba, bias, sizeof ba) == 0,
              "round trip changed the values");
        CHECK(gp_safetensors_count(a) == 2, "round trip: %d tensors", gp_safetensors_count(a));
        const char *name = gp_safetensors_meta(a, "ganprior.name");
        CHECK(name && !strcmp(name, "tiny"), "round trip metadata: %s", name ? name : "(none)");
        CHECK(gp_safetensors_meta(a, "absent") == NULL, "absent metadata key");
        CHECK(gp_safetensors_check_all_used(a, &err) == GP_OK, "%s", err.message);
        CHECK(gp_safetensors_check_all_used(b, &err) != GP_OK && strstr(err.message, "fc.bias"),
              "unread fc.bias not reported");
    }
    gp_safetensors_close(a);
    gp_safetensors_close(b);

    gp_model *ma = NULL, *mb = NULL;
    CHECK(gp_model_load(tmp("f32"), &ma, &err) == GP_OK, "load f32: %s", err.message);
    CHECK(gp_model_load(tmp("f16"), &mb, &err) == GP_OK, "load f16: %s", err.message);
    if (ma && mb) {
        gp_image ia = { 0 }, ib = { 0 };
        CHECK(gp_model_sample(ma, 3, &ia, &err) == GP_OK, "%s", err.message);
        CHECK(gp_model_sample(mb, 3, &ib, &err) == GP_OK, "%s", err.message);
        CHECK(ia.width == 2 && ia.height == 2 && ib.width == 2, "sample size %dx%d", ia.width, ia.height);
        CHECK(ia.data && ib.data && memcmp(ia.data, ib.data, 12 * sizeof(float)) == 0,
              "F16 and F32 models render differently");
        const gp_model_info *in = gp_model_get_info(ma);
        CHECK(in->parameters == 60 && in->latent_size == 4 && !strcmp(in->name, "tiny"),
              "info: %lld params, latent %d, name %s", in->parameters, in->latent_size, in->name);
        gp_image_release(&ia);
        gp_image_release(&ib);
    }
    gp_model_free(ma);
    gp_model_free(mb);
}

/* Every byte of a valid file replaced by a few troublesome values: each
 * variant must load or fail cleanly (a crash fails the test). */
static void test_byte_edits(void)
{
    write_good(tmp("base"), good_arch);
    FILE *f = fopen(tmp("base"), "rb");
    fseek(f, 0, SEEK_END);
    size_t size = (size_t)ftell(f);
    rewind(f);
    unsigned char *buf = malloc(size);
    CHECK(fread(buf, 1, size, f) == size, "reading back");
    fclose(f);
    static const unsigned char values[] = { 0x00, 0xff, '"', '}', ']', '9', '-', ' ' };
    int ok = 0, refused = 0;
    for (size_t i = 0; i < size - 240; i++) /* header and length field */
        for (size_t v = 0; v < sizeof values; v++) {
            unsigned char keep = buf[i];
            buf[i] = values[v];
            write_bytes(tmp("edit"), buf, size);
            buf[i] = keep;
            gp_model *m = NULL;
            gp_error err = { GP_OK, "" };
            gp_status s = gp_model_load(tmp("edit"), &m, &err);
            if (s == GP_OK)
                ok++;
            else
                refused++;
            CHECK(s == GP_OK || (!m && err.message[0]), "edit at %zu: failure without a message", i);
            gp_model_free(m);
        }
    printf("%-26s -> %d loaded, %d refused\n", "single-byte edits", ok, refused);
    free(buf);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gp-model-files-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    for (int i = 0; i < 48; i++)
        weight[i] = (float)(i % 7) * 0.1f - 0.3f;
    test_container();
    test_model_checks();
    test_limits();
    test_memory_load();
    test_f16_and_round_trip();
    test_byte_edits();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_DONE();
}
