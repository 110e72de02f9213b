/* cmd_sample.c — `ganprior sample`: random images from a model. */
#include "cli.h"
#include "picture.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Copies tile into grid at tile column tx, row ty. */
static void blit(const gp_image *tile, gp_image *grid, int tx, int ty)
{
    const size_t row = (size_t)tile->width * 3;
    for (int y = 0; y < tile->height; y++)
        memcpy(grid->data + ((size_t)(ty * tile->height + y) * grid->width + (size_t)tx * tile->width) * 3,
               tile->data + row * (size_t)y, row * sizeof(float));
}

/* Renders n x n samples, seeds seed .. seed + n*n - 1 in reading order. */
static gp_status render_grid(gp_model *m, uint64_t seed, int n, gp_image *out, gp_error *err)
{
    const gp_model_info *in = gp_model_get_info(m);
    if (gp_image_alloc(out, in->width * n, in->height * n, 3) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "cannot allocate a %dx%d grid", in->width * n,
                        in->height * n);
    for (int k = 0; k < n * n; k++) {
        gp_image tile = { 0 };
        gp_status s = gp_model_sample(m, seed + (uint64_t)k, &tile, err);
        if (s != GP_OK) {
            gp_image_release(out);
            return s;
        }
        blit(&tile, out, k % n, k / n);
        gp_image_release(&tile);
    }
    return GP_OK;
}

int cmd_sample(int argc, char **argv)
{
    const char *model = GP_DEFAULT_MODEL, *output = NULL;
    uint64_t seed = 0;
    int grid = 1;
    const arg_opt opts[] = {
        cli_model_option(&model),
        { .name = "seed", .short_name = 's', .kind = ARG_U64, .value = &seed, .metavar = "S",
          .help = "seed of the latent code" },
        { .name = "grid", .kind = ARG_INT, .value = &grid, .min = 1, .max = 16, .metavar = "N",
          .help = "render N x N samples, seeds S .. S+N*N-1 row by row" },
        { .name = "output", .short_name = 'o', .kind = ARG_STRING, .value = &output,
          .required = true, .metavar = "OUT.png", .help = "where to write the PNG" },
    };
    const arg_command cmd = {
        .name = "sample", .synopsis = "[--model MODEL] [--seed S] [--grid N] -o OUT.png",
        .summary = "Draws a latent code from the model's distribution with the seed and\n"
                   "writes the generated image (8-bit RGB PNG, model size).  The same seed\n"
                   "gives the same image.",
        .opts = opts, .nopts = sizeof opts / sizeof opts[0],
    };
    arg_result r = args_parse(&cmd, argc, argv);
    if (r != ARGS_OK)
        return r;
    gp_error err = { 0 };
    gp_model *m = NULL;
    gp_image img = { 0 };
    char path[PATH_MAX];
    gp_status s = cli_picture_check_writable(output, &err);
    if (s == GP_OK)
        s = cli_open_model(model, path, sizeof path, &m, &err);
    if (s == GP_OK)
        s = render_grid(m, seed, grid, &img, &err);
    if (s == GP_OK)
        s = cli_picture_write(output, &img, &err);
    gp_image_release(&img);
    gp_model_free(m);
    return s == GP_OK ? 0 : cli_report(&err);
}
