/* fuzz_arch.c — libFuzzer target: any bytes as the `ganprior.arch` JSON
 * document of a model file with no tensors, so the fuzzer spends its time
 * in the architecture parser and the shape arithmetic behind it rather
 * than in the safetensors framing. */
#include "ganprior.h"

#include <json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_object *header = json_object_new_object(), *meta = json_object_new_object();
    json_object_object_add(meta, "ganprior.arch", json_object_new_string_len((const char *)data, (int)size));
    json_object_object_add(header, "__metadata__", meta);
    const char *text = json_object_to_json_string_ext(header, JSON_C_TO_STRING_PLAIN);
    size_t n = strlen(text);
    unsigned char *file = malloc(8 + n);
    if (file) {
        for (int i = 0; i < 8; i++)
            file[i] = (unsigned char)((uint64_t)n >> (8 * i));
        memcpy(file + 8, text, n);
        gp_error err;
        gp_model *m = NULL;
        gp_model_load_memory(file, 8 + n, "fuzz arch", &m, &err);
        gp_model_free(m);
        free(file);
    }
    json_object_put(header);
    return 0;
}
