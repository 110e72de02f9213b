/* reference.h — helpers the golden tests share: reading reference tensors
 * written by the Python scripts, running a generator on a batch, and
 * comparing arrays. */
#ifndef GP_TEST_REFERENCE_H
#define GP_TEST_REFERENCE_H

#include "check.h"
#include "nn/net.h"
#include "model/safetensors.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#define SKIP 77

static inline bool ref_exists(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0;
}

/* Tensor `name` of an open reference file as a malloc'd float array; its
 * element count in *count and, optionally, its dims. */
static inline float *ref_tensor(gp_safetensors *st, const char *name, size_t *count, int64_t *dims)
{
    const gp_st_tensor *t = gp_safetensors_find(st, name);
    if (!t) {
        CHECK(0, "reference tensor %s is missing", name);
        return NULL;
    }
    int d[GP_ST_MAX_DIMS];
    size_t n = 1;
    for (int i = 0; i < t->ndim; i++) {
        d[i] = (int)t->dims[i];
        n *= (size_t)t->dims[i];
        if (dims)
            dims[i] = t->dims[i];
    }
    float *v = malloc((n ? n : 1) * sizeof *v);
    gp_error err;
    if (gp_safetensors_read(st, name, t->ndim, d, v, &err) != GP_OK) {
        CHECK(0, "%s", err.message);
        free(v);
        return NULL;
    }
    *count = n;
    return v;
}

static inline double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= m)) /* NaN counts as infinitely wrong */
            m = isnan(d) ? INFINITY : d;
    }
    return m;
}

/* Picture k of a composed-picture file (tests/faces_composed.py): tensor
 * "pic<k>" [h, w, 3] as an RGB image whose data the caller frees; false
 * when it is missing. */
static inline bool ref_picture(gp_safetensors *st, int k, gp_image *img)
{
    char name[32];
    size_t count;
    int64_t dims[3];
    snprintf(name, sizeof name, "pic%d", k);
    float *data = ref_tensor(st, name, &count, dims);
    if (!data)
        return false;
    *img = (gp_image){ (int)dims[1], (int)dims[0], 3, data };
    return true;
}

/* |a - b| / |b|, norm-wise (|a - b| when b is all zeros). */
static inline double rel_err(const float *a, const float *b, size_t n)
{
    double d = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        d += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        r += (double)b[i] * b[i];
    }
    return r > 0 ? sqrt(d / r) : sqrt(d);
}

static inline double max_abs(const float *a, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i]) > m)
            m = fabs(a[i]);
    return m;
}

/* A trace over the whole net for a batch of n samples. */
static inline gp_trace *ref_trace(const gp_net *net, int n)
{
    gp_shape in = net->in;
    in.n = n;
    return gp_trace_new(net, 0, net->count, in);
}

#endif
