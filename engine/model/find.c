/* find.c — the one place that knows where files are looked for (see
 * find.h for the order). */
#include "model/find.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INSTALLED_DIR GP_DATADIR "/models"
#define PERCEPTUAL_NAME "squeezenet1.1.safetensors"

enum { DIRS = 3, DIR_SIZE = 1024 };

bool gp_file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The search folders in order: $GANPRIOR_MODEL_PATH, the user's data
 * dir, the installed one; "" where a folder is not set. */
static void search_dirs(char dirs[DIRS][DIR_SIZE])
{
    const char *env = getenv("GANPRIOR_MODEL_PATH");
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    dirs[0][0] = dirs[1][0] = '\0';
    if (env)
        snprintf(dirs[0], DIR_SIZE, "%s", env);
    if (xdg && *xdg)
        snprintf(dirs[1], DIR_SIZE, "%s/ganprior/models", xdg);
    else if (home)
        snprintf(dirs[1], DIR_SIZE, "%s/.local/share/ganprior/models", home);
    snprintf(dirs[2], DIR_SIZE, "%s", INSTALLED_DIR);
}

/* The first search folder holding name, into buf. */
static bool search(const char *name, const char dirs[DIRS][DIR_SIZE], char *buf, size_t size)
{
    for (int i = 0; i < DIRS; i++) {
        if (!dirs[i][0])
            continue;
        snprintf(buf, size, "%s/%s", dirs[i], name);
        if (gp_file_exists(buf))
            return true;
    }
    return false;
}

gp_status gp_model_find(const char *name, char *buf, size_t size, gp_error *err)
{
    if (strchr(name, '/') || gp_file_exists(name)) {
        snprintf(buf, size, "%s", name);
        if (gp_file_exists(buf))
            return GP_OK;
        struct stat sb;
        if (stat(name, &sb) == 0 && S_ISDIR(sb.st_mode))
            return gp_fail(err, GP_ERR_IO, "%s is a folder, not a model file", name);
        return gp_fail(err, GP_ERR_IO, "model file %s does not exist", name);
    }
    char dirs[DIRS][DIR_SIZE];
    search_dirs(dirs);
    if (search(name, (const char(*)[DIR_SIZE])dirs, buf, size))
        return GP_OK;
    /* A per-user install (--prefix=~/.local) makes the two folders one. */
    if (!strcmp(dirs[1], INSTALLED_DIR))
        return gp_fail(err, GP_ERR_IO, "model '%s' not found in $GANPRIOR_MODEL_PATH or %s", name,
                       INSTALLED_DIR);
    return gp_fail(err, GP_ERR_IO, "model '%s' not found in $GANPRIOR_MODEL_PATH, %s or %s", name,
                   dirs[1][0] ? dirs[1] : "the user data dir", INSTALLED_DIR);
}

gp_status gp_perceptual_find(const char *explicit_path, char *buf, size_t size, gp_error *err)
{
    const char *env = getenv("GANPRIOR_PERCEPTUAL");
    const char *named[2] = { explicit_path, env };
    for (int i = 0; i < 2; i++)
        if (named[i] && *named[i] && gp_file_exists(named[i])) {
            snprintf(buf, size, "%s", named[i]);
            return GP_OK;
        }
    char dirs[DIRS][DIR_SIZE];
    search_dirs(dirs);
    if (search(PERCEPTUAL_NAME, (const char(*)[DIR_SIZE])dirs, buf, size))
        return GP_OK;
    return gp_fail(err, GP_ERR_IO,
                   "perceptual network not found (set $GANPRIOR_PERCEPTUAL or install %s)",
                   INSTALLED_DIR "/" PERCEPTUAL_NAME);
}

gp_status gp_model_sidecar_path(const gp_model *m, const char *suffix, char *buf, size_t size,
                                gp_error *err)
{
    static const char ext[] = ".safetensors";
    if (!m->path)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory");
    size_t n = strlen(m->path), e = strlen(ext);
    if (n > e && !strcmp(m->path + n - e, ext))
        n -= e;
    if (snprintf(buf, size, "%.*s%s%s", (int)n, m->path, suffix, ext) >= (int)size)
        return gp_fail(err, GP_ERR_ARGUMENT, "path too long: %s", m->path);
    return GP_OK;
}

/* A network file of the model's: the explicit path, else the sidecar
 * with this suffix next to the model.  what names it in messages. */
static gp_status sidecar_find(const gp_model *m, const char *explicit_path, const char *suffix,
                              const char *what, char *buf, size_t size, gp_error *err)
{
    if (explicit_path && *explicit_path) {
        if (!gp_file_exists(explicit_path))
            return gp_fail(err, GP_ERR_IO, "%s file %s not found", what, explicit_path);
        if (snprintf(buf, size, "%s", explicit_path) >= (int)size)
            return gp_fail(err, GP_ERR_ARGUMENT, "path too long: %s", explicit_path);
        return GP_OK;
    }
    gp_status s = gp_model_sidecar_path(m, suffix, buf, size, err);
    if (s == GP_OK && !gp_file_exists(buf))
        s = gp_fail(err, GP_ERR_IO, "no %s %s next to the model", what, buf);
    return s;
}

gp_status gp_disc_find(const gp_model *m, const char *explicit_path, char *buf, size_t size,
                       gp_error *err)
{
    return sidecar_find(m, explicit_path, "-disc", "discriminator", buf, size, err);
}

gp_status gp_encoder_find(const gp_model *m, const char *explicit_path, char *buf, size_t size,
                          gp_error *err)
{
    return sidecar_find(m, explicit_path, "-encoder", "encoder", buf, size, err);
}
