/* fuzz_model.c — libFuzzer target: any bytes as a model file, loaded from
 * memory and, through a memory-backed file, from a path (the mmap route).
 * A load may fail with a message; it must never crash, overflow or leak. */
#define _GNU_SOURCE
#include "ganprior.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void load_memory(const uint8_t *data, size_t size)
{
    gp_error err;
    gp_model *m = NULL;
    if (gp_model_load_memory(data, size, "fuzz input", &m, &err) == GP_OK)
        gp_model_get_info(m);
    gp_model_free(m);
}

static void load_file(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-model", 0);
    if (fd < 0)
        return;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        gp_error err;
        gp_model *m = NULL;
        gp_model_load(path, &m, &err);
        gp_model_free(m);
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_memory(data, size);
    load_file(data, size);
    return 0;
}
