/* fuzz_png.c — libFuzzer target: any bytes as the CLI's input picture and
 * as its mask (colour and one-channel reads of one memory-backed file). */
#define _GNU_SOURCE
#include "png_io.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-png", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        for (int channels = 1; channels <= 3; channels += 2) {
            gp_error err;
            gp_image img = { 0 };
            if (cli_png_read(path, channels, &img, &err) == GP_OK)
                gp_image_release(&img);
        }
    }
    close(fd);
    return 0;
}
