/* common.c — error reporting and model opening shared by the subcommands. */
#include "cli.h"

#include <stdio.h>

int cli_report(const gp_error *err)
{
    fprintf(stderr, "ganprior: %s\n", err->message[0] ? err->message : gp_status_string(err->status));
    return err->status == GP_ERR_CANCELLED ? EXIT_CANCELLED : EXIT_RUNTIME;
}

gp_status cli_picture_too_big(const char *path, int width, int height, gp_error *err)
{
    return gp_fail(err, GP_ERR_ARGUMENT, "%s: %dx%d pixels, more than the %lld megapixels ganprior reads",
                   path, width, height, GP_PICTURE_MAX_PIXELS / 1000000);
}

gp_status cli_open_model(const char *name, char *path, size_t size, gp_model **out,
                         gp_error *err)
{
    *out = NULL;
    gp_status s = gp_model_find(name, path, size, err);
    return s == GP_OK ? gp_model_load(path, out, err) : s;
}

arg_opt cli_model_option(const char **model)
{
    return (arg_opt){ .name = "model", .short_name = 'm', .kind = ARG_STRING, .value = model,
                      .metavar = "MODEL",
                      .help = "model file, or the name of an installed one" };
}
