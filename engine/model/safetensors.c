/* safetensors.c — a validating reader and a small writer.
 * Format reference: https://github.com/huggingface/safetensors (README). */
#include "model/safetensors.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HEADER (100u * 1024u * 1024u)

struct gp_safetensors {
    char *path;                /* the file, or the name given to a buffer */
    const unsigned char *map;  /* the whole file */
    size_t size;
    bool mapped;               /* map is ours to munmap (else the caller's buffer) */
    gp_st_tensor *tensors;
    int count;
    json_object *meta; /* the __metadata__ object, owned by root */
    json_object *root;
};

static uint64_t read_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static gp_status map_file(gp_safetensors *st, gp_error *err)
{
    int fd = open(st->path, O_RDONLY);
    if (fd < 0)
        return gp_fail(err, GP_ERR_IO, "cannot open %s: %s", st->path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return gp_fail(err, GP_ERR_IO, "%s is not a regular file", st->path);
    }
    st->size = (size_t)sb.st_size;
    if (st->size < 8) {
        close(fd);
        return gp_fail(err, GP_ERR_FORMAT, "%s: too short for a safetensors file (%zu bytes)",
                       st->path, st->size);
    }
    void *m = mmap(NULL, st->size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return gp_fail(err, GP_ERR_IO, "cannot map %s: %s", st->path, strerror(errno));
    st->map = m;
    st->mapped = true;
    return GP_OK;
}

static gp_status parse_dtype(const char *s, gp_dtype *dt, size_t *elsize)
{
    if (strcmp(s, "F32") == 0) {
        *dt = GP_DTYPE_F32;
        *elsize = 4;
    } else if (strcmp(s, "F16") == 0) {
        *dt = GP_DTYPE_F16;
        *elsize = 2;
    } else {
        return GP_ERR_UNSUPPORTED;
    }
    return GP_OK;
}

static gp_status parse_tensor(gp_safetensors *st, const char *name, json_object *o,
                              size_t data_size, const unsigned char *data,
                              gp_st_tensor *t, gp_error *err)
{
    json_object *jd, *js, *jo;
    if (!json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "dtype", &jd) ||
        !json_object_object_get_ex(o, "shape", &js) ||
        !json_object_object_get_ex(o, "data_offsets", &jo) ||
        !json_object_is_type(jd, json_type_string) ||
        !json_object_is_type(js, json_type_array) ||
        !json_object_is_type(jo, json_type_array) || json_object_array_length(jo) != 2)
        return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' needs dtype, shape and data_offsets",
                       st->path, name);
    size_t elsize;
    if (parse_dtype(json_object_get_string(jd), &t->dtype, &elsize) != GP_OK)
        return gp_fail(err, GP_ERR_UNSUPPORTED, "%s: tensor '%s' has dtype %s (only F32 and F16 are supported)",
                       st->path, name, json_object_get_string(jd));
    size_t nd = json_object_array_length(js);
    if (nd > GP_ST_MAX_DIMS)
        return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' has %zu dimensions", st->path, name, nd);
    t->ndim = (int)nd;
    uint64_t count = 1;
    for (size_t i = 0; i < nd; i++) {
        json_object *d = json_object_array_get_idx(js, i);
        int64_t v = json_object_get_int64(d);
        if (!json_object_is_type(d, json_type_int) || v < 0 || v > (1LL << 40))
            return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' has a bad shape", st->path, name);
        t->dims[i] = v;
        if (v && count > UINT64_MAX / (uint64_t)v)
            return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' is too large", st->path, name);
        count *= (uint64_t)v;
    }
    json_object *b = json_object_array_get_idx(jo, 0), *e = json_object_array_get_idx(jo, 1);
    int64_t ob = json_object_get_int64(b), oe = json_object_get_int64(e);
    if (!json_object_is_type(b, json_type_int) || !json_object_is_type(e, json_type_int) ||
        ob < 0 || oe < ob || (uint64_t)oe > data_size)
        return gp_fail(err, GP_ERR_FORMAT,
                       "%s: tensor '%s' lies outside the file (offsets %lld..%lld, %zu data bytes; truncated?)",
                       st->path, name, (long long)ob, (long long)oe, data_size);
    if (count > UINT64_MAX / elsize || (uint64_t)(oe - ob) != count * elsize)
        return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' has %lld bytes but its shape needs %llu",
                       st->path, name, (long long)(oe - ob), (unsigned long long)(count * elsize));
    t->name = strdup(name);
    if (!t->name)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    t->data = data + ob;
    t->nbytes = (size_t)(oe - ob);
    return GP_OK;
}

static int by_offset(const void *a, const void *b)
{
    const gp_st_tensor *x = a, *y = b;
    return x->data < y->data ? -1 : x->data > y->data;
}

static gp_status check_metadata(gp_safetensors *st, gp_error *err)
{
    if (!st->meta)
        return GP_OK;
    if (!json_object_is_type(st->meta, json_type_object))
        return gp_fail(err, GP_ERR_FORMAT, "%s: __metadata__ is not an object", st->path);
    json_object_object_foreach(st->meta, k, v) {
        if (!json_object_is_type(v, json_type_string))
            return gp_fail(err, GP_ERR_FORMAT, "%s: metadata '%s' is not a string", st->path, k);
    }
    return GP_OK;
}

static gp_status parse_header(gp_safetensors *st, gp_error *err)
{
    uint64_t n = read_le64(st->map);
    if (n > MAX_HEADER || n > st->size - 8)
        return gp_fail(err, GP_ERR_FORMAT, "%s: header length %llu does not fit (file %zu bytes, limit %u)",
                       st->path, (unsigned long long)n, st->size, MAX_HEADER);
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    st->root = json_tokener_parse_ex(tok, (const char *)st->map + 8, (int)n);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!st->root || jerr != json_tokener_success)
        return gp_fail(err, GP_ERR_FORMAT, "%s: header is not valid JSON (%s)", st->path,
                       json_tokener_error_desc(jerr == json_tokener_success ? json_tokener_continue : jerr));
    for (size_t i = used; i < n; i++)
        if (st->map[8 + i] != ' ')
            return gp_fail(err, GP_ERR_FORMAT, "%s: trailing bytes after the JSON header", st->path);
    if (!json_object_is_type(st->root, json_type_object))
        return gp_fail(err, GP_ERR_FORMAT, "%s: header is not a JSON object", st->path);
    int keys = json_object_object_length(st->root);
    st->tensors = calloc((size_t)keys + 1, sizeof *st->tensors);
    if (!st->tensors)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    const unsigned char *data = st->map + 8 + n;
    size_t data_size = st->size - 8 - n;
    json_object_object_foreach(st->root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            st->meta = val;
            continue;
        }
        gp_status s = parse_tensor(st, key, val, data_size, data, &st->tensors[st->count], err);
        if (s != GP_OK)
            return s;
        st->count++;
    }
    gp_status s = check_metadata(st, err);
    if (s != GP_OK)
        return s;
    gp_st_tensor *sorted = malloc(((size_t)st->count + 1) * sizeof *sorted);
    if (!sorted)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    memcpy(sorted, st->tensors, (size_t)st->count * sizeof *sorted);
    qsort(sorted, (size_t)st->count, sizeof *sorted, by_offset);
    for (int i = 1; i < st->count; i++)
        if (sorted[i - 1].data + sorted[i - 1].nbytes > sorted[i].data) {
            s = gp_fail(err, GP_ERR_FORMAT, "%s: tensors '%s' and '%s' overlap", st->path,
                        sorted[i - 1].name, sorted[i].name);
            break;
        }
    free(sorted);
    return s;
}

/* A reader named `name` (a path, or what messages call a buffer). */
static gp_safetensors *reader_new(const char *name, gp_error *err)
{
    gp_safetensors *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(name))) {
        free(st);
        gp_fail(err, GP_ERR_MEMORY, "out of memory");
        return NULL;
    }
    return st;
}

static gp_status reader_finish(gp_safetensors *st, gp_status s, gp_safetensors **out, gp_error *err)
{
    if (s == GP_OK)
        s = parse_header(st, err);
    if (s != GP_OK) {
        gp_safetensors_close(st);
        return s;
    }
    *out = st;
    gp_ok(err);
    return GP_OK;
}

gp_status gp_safetensors_open(const char *path, gp_safetensors **out, gp_error *err)
{
    *out = NULL;
    gp_safetensors *st = reader_new(path, err);
    return st ? reader_finish(st, map_file(st, err), out, err) : GP_ERR_MEMORY;
}

gp_status gp_safetensors_open_memory(const void *data, size_t size, const char *name,
                                     gp_safetensors **out, gp_error *err)
{
    *out = NULL;
    gp_safetensors *st = reader_new(name, err);
    if (!st)
        return GP_ERR_MEMORY;
    st->map = data;
    st->size = size;
    gp_status s = size < 8 ? gp_fail(err, GP_ERR_FORMAT, "%s: too short for a safetensors file (%zu bytes)",
                                      name, size)
                           : GP_OK;
    return reader_finish(st, s, out, err);
}

void gp_safetensors_close(gp_safetensors *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->count; i++)
        free(st->tensors[i].name);
    free(st->tensors);
    if (st->root)
        json_object_put(st->root);
    if (st->mapped)
        munmap((void *)st->map, st->size);
    free(st->path);
    free(st);
}

const char *gp_safetensors_path(const gp_safetensors *st) { return st->path; }
int gp_safetensors_count(const gp_safetensors *st) { return st->count; }
const gp_st_tensor *gp_safetensors_at(const gp_safetensors *st, int i) { return &st->tensors[i]; }

const char *gp_safetensors_meta(const gp_safetensors *st, const char *key)
{
    json_object *v;
    if (!st->meta || !json_object_object_get_ex(st->meta, key, &v))
        return NULL;
    return json_object_get_string(v);
}

const gp_st_tensor *gp_safetensors_find(const gp_safetensors *st, const char *name)
{
    for (int i = 0; i < st->count; i++)
        if (strcmp(st->tensors[i].name, name) == 0)
            return &st->tensors[i];
    return NULL;
}

/* IEEE 754 half to single, subnormals and infinities included. */
static float half_to_float(uint16_t h)
{
    int sign = h >> 15, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    float v;
    if (exp == 0)
        v = ldexpf((float)man, -24);
    else if (exp == 31)
        v = man ? NAN : INFINITY;
    else
        v = ldexpf((float)(man | 0x400), exp - 25);
    return sign ? -v : v;
}

static void shape_text(char *buf, size_t size, int ndim, const int64_t *dims)
{
    size_t at = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < ndim && at < size; i++)
        at += (size_t)snprintf(buf + at, size - at, i ? ", %lld" : "%lld", (long long)dims[i]);
    if (at < size)
        snprintf(buf + at, size - at, "]");
}

gp_status gp_safetensors_read(gp_safetensors *st, const char *name, int ndim,
                              const int *dims, float *dst, gp_error *err)
{
    gp_st_tensor *t = (gp_st_tensor *)gp_safetensors_find(st, name);
    if (!t)
        return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' is missing", st->path, name);
    int64_t want[GP_ST_MAX_DIMS];
    bool same = t->ndim == ndim;
    for (int i = 0; i < ndim; i++) {
        want[i] = dims[i];
        same = same && t->dims[i] == dims[i];
    }
    if (!same) {
        char have_s[128], want_s[128];
        shape_text(have_s, sizeof have_s, t->ndim, t->dims);
        shape_text(want_s, sizeof want_s, ndim, want);
        return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' has shape %s, the architecture needs %s",
                       st->path, name, have_s, want_s);
    }
    size_t n = t->nbytes / (t->dtype == GP_DTYPE_F32 ? 4 : 2);
    if (t->dtype == GP_DTYPE_F32) {
        memcpy(dst, t->data, t->nbytes);
    } else {
        for (size_t i = 0; i < n; i++) {
            uint16_t h = (uint16_t)(t->data[2 * i] | (t->data[2 * i + 1] << 8));
            dst[i] = half_to_float(h);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(dst[i]))
            return gp_fail(err, GP_ERR_FORMAT, "%s: tensor '%s' holds a NaN or infinity", st->path, name);
    t->used = true;
    return GP_OK;
}

gp_status gp_safetensors_check_all_used(const gp_safetensors *st, gp_error *err)
{
    for (int i = 0; i < st->count; i++)
        if (!st->tensors[i].used)
            return gp_fail(err, GP_ERR_FORMAT, "%s: unexpected tensor '%s' (not part of the architecture)",
                           st->path, st->tensors[i].name);
    return GP_OK;
}

static json_object *write_header(const gp_st_entry *t, int count, const char *const *kv,
                                 int pairs)
{
    json_object *root = json_object_new_object();
    if (pairs > 0) {
        json_object *meta = json_object_new_object();
        for (int i = 0; i < pairs; i++)
            json_object_object_add(meta, kv[2 * i], json_object_new_string(kv[2 * i + 1]));
        json_object_object_add(root, "__metadata__", meta);
    }
    size_t off = 0;
    for (int i = 0; i < count; i++) {
        size_t n = 1;
        json_object *o = json_object_new_object(), *shape = json_object_new_array();
        for (int d = 0; d < t[i].ndim; d++) {
            json_object_array_add(shape, json_object_new_int64(t[i].dims[d]));
            n *= (size_t)t[i].dims[d];
        }
        json_object *offs = json_object_new_array();
        json_object_array_add(offs, json_object_new_int64((int64_t)off));
        off += n * 4;
        json_object_array_add(offs, json_object_new_int64((int64_t)off));
        json_object_object_add(o, "dtype", json_object_new_string("F32"));
        json_object_object_add(o, "shape", shape);
        json_object_object_add(o, "data_offsets", offs);
        json_object_object_add(root, t[i].name, o);
    }
    return root;
}

/* Writes to PATH.tmp, then renames: a failed write never leaves a
 * truncated model where a good one was. */
gp_status gp_safetensors_write(const char *path, const gp_st_entry *t, int count,
                               const char *const *kv, int pairs, gp_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return gp_fail(err, GP_ERR_ARGUMENT, "path too long: %s", path);
    json_object *root = write_header(t, count, kv, pairs);
    const char *js = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    size_t jlen = strlen(js), padded = (jlen + 7) & ~(size_t)7;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        json_object_put(root);
        return gp_fail(err, GP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(padded >> (8 * i));
    bool ok = fwrite(len, 1, 8, f) == 8 && fwrite(js, 1, jlen, f) == jlen;
    for (size_t i = jlen; ok && i < padded; i++)
        ok = fputc(' ', f) != EOF;
    for (int i = 0; ok && i < count; i++) {
        size_t n = 1;
        for (int d = 0; d < t[i].ndim; d++)
            n *= (size_t)t[i].dims[d];
        ok = fwrite(t[i].data, sizeof(float), n, f) == n; /* little-endian host */
    }
    json_object_put(root);
    if (fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        gp_status s = gp_fail(err, GP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        return s;
    }
    return GP_OK;
}
