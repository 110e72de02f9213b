/* cmd_info.c — `ganprior info`: what a model file describes. */
#include "cli.h"

#include <limits.h>
#include <stdio.h>

/* 23079427 -> "23,079,427", without depending on the locale. */
static const char *grouped(long long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n), j = 0;
    for (int i = 0; i < len && (size_t)j + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    return buf;
}

static void print_info(const gp_model *m, const char *path)
{
    const gp_model_info *in = gp_model_get_info(m);
    char count[48];
    printf("name:        %s\n", in->name);
    printf("file:        %s\n", path);
    printf("family:      %s\n", in->family);
    printf("size:        %d x %d, %d channels\n", in->width, in->height, in->channels);
    printf("latent:      %d, %s\n", in->latent_size,
           in->latent_dist == GP_LATENT_UNIFORM ? "uniform U(-1, 1)" : "normal N(0, I)");
    printf("range:       [%g, %g]\n", (double)in->range_min, (double)in->range_max);
    printf("parameters:  %s\n", grouped(in->parameters, count, sizeof count));
    printf("licence:     %s\n", in->licence);
    printf("provenance:  %s\n", in->provenance);
    printf("blocks:      %d (split points for --layer: 1..%d)\n", in->blocks, in->blocks - 1);
    for (int b = 0; b < in->blocks; b++)
        printf("  block %-3d  %d channels in\n", b, gp_model_block_channels(m, b));
}

int cmd_info(int argc, char **argv)
{
    const char *model = GP_DEFAULT_MODEL;
    const arg_opt opts[] = { cli_model_option(&model) };
    const arg_command cmd = {
        .name = "info", .synopsis = "[--model MODEL]",
        .summary = "Prints what a model file describes: its output size, latent space,\n"
                   "output range, blocks (the split points of multi-code inversion) with\n"
                   "the channels entering each, parameter count, licence and provenance.",
        .opts = opts, .nopts = sizeof opts / sizeof opts[0],
    };
    arg_result r = args_parse(&cmd, argc, argv);
    if (r != ARGS_OK)
        return r;
    gp_error err = { 0 };
    gp_model *m;
    char path[PATH_MAX];
    if (cli_open_model(model, path, sizeof path, &m, &err) != GP_OK)
        return cli_report(&err);
    print_info(m, path);
    gp_model_free(m);
    return 0;
}
