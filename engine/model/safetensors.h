/* safetensors.h — reading (and writing) safetensors files.
 *
 * Format: u64 little-endian header length N, N bytes of JSON
 *   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ...,
 *    "__metadata__": {"key": "value", ...}}
 * then the tensor bytes; offsets are relative to the end of the header.
 * The reader validates the whole header up front, so later lookups can
 * trust names, shapes and byte ranges.
 */
#ifndef GP_SAFETENSORS_H
#define GP_SAFETENSORS_H

#include "ganprior.h"

#include <stdint.h>

typedef enum gp_dtype { GP_DTYPE_F32, GP_DTYPE_F16 } gp_dtype;

#define GP_ST_MAX_DIMS 8

typedef struct gp_st_tensor {
    char *name;
    gp_dtype dtype;
    int ndim;
    int64_t dims[GP_ST_MAX_DIMS];
    const unsigned char *data;
    size_t nbytes;
    bool used;  /* set by gp_safetensors_read: finds unexpected extras */
} gp_st_tensor;

typedef struct gp_safetensors gp_safetensors;

gp_status gp_safetensors_open(const char *path, gp_safetensors **out,
                              gp_error *err);
/* The same from size bytes at data, which must outlive the reader; name
 * stands for the file in messages. */
gp_status gp_safetensors_open_memory(const void *data, size_t size, const char *name,
                                     gp_safetensors **out, gp_error *err);
void gp_safetensors_close(gp_safetensors *st);
const char *gp_safetensors_path(const gp_safetensors *st);
/* A metadata value, or NULL. */
const char *gp_safetensors_meta(const gp_safetensors *st, const char *key);
int gp_safetensors_count(const gp_safetensors *st);
const gp_st_tensor *gp_safetensors_at(const gp_safetensors *st, int i);
const gp_st_tensor *gp_safetensors_find(const gp_safetensors *st,
                                        const char *name);
/* Copies tensor `name` into dst as float32 after checking that it exists
 * and has exactly the given shape; marks it used. */
gp_status gp_safetensors_read(gp_safetensors *st, const char *name,
                              int ndim, const int *dims, float *dst,
                              gp_error *err);
/* GP_OK when every tensor was read, else names the first extra one. */
gp_status gp_safetensors_check_all_used(const gp_safetensors *st,
                                        gp_error *err);

/* Writing: tensors are float32; metadata are key/value string pairs. */
typedef struct gp_st_entry {
    const char *name;
    int ndim;
    int dims[4];
    const float *data;
} gp_st_entry;

gp_status gp_safetensors_write(const char *path, const gp_st_entry *tensors,
                               int count, const char *const *meta_kv,
                               int meta_pairs, gp_error *err);

#endif
