/* gegl_io.c — JPEG, TIFF and WebP through GEGL's own loaders and savers
 * (picture.h), and starting GEGL once for the CLI. */
#include "picture.h"
#include "cli.h"
#include "gegl_start.h"

#include <errno.h>
#include <gegl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct codec {
    const char *load;          /* operation reading it */
    const unsigned char *sig;  /* its first bytes (NULL: see below) */
    size_t sig_len;
} codec;

static const unsigned char jpeg_sig[] = { 0xff, 0xd8, 0xff };
static const unsigned char tiff_le[] = { 'I', 'I', 42, 0 }, tiff_be[] = { 'M', 'M', 0, 42 };
static const codec codecs[] = {
    { "gegl:jpg-load", jpeg_sig, sizeof jpeg_sig },
    { "gegl:tiff-load", tiff_le, sizeof tiff_le },
    { "gegl:tiff-load", tiff_be, sizeof tiff_be },
    { "gegl:webp-load", NULL, 0 },  /* "RIFF", 4 bytes of size, "WEBP" */
};

/* The loader for the file's first bytes, or NULL. */
static const char *loader_for(const unsigned char *h, size_t n)
{
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++) {
        const codec *c = &codecs[i];
        if (c->sig ? n >= c->sig_len && !memcmp(h, c->sig, c->sig_len)
                   : n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4))
            return c->load;
    }
    return NULL;
}

static gp_status sniff(const char *path, const char **op, gp_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return gp_fail(err, GP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return gp_fail(err, GP_ERR_IO, "%s: is a folder, not a picture", path);
    unsigned char h[12];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(h, 1, sizeof h, f) : 0;
    if (f)
        fclose(f);
    *op = loader_for(h, n);
    if (!*op)
        return gp_fail(err, GP_ERR_FORMAT, "%s: not a PNG, JPEG, TIFF or WebP picture", path);
    cli_gegl_start();   /* only now: a file that is no picture costs no GEGL start */
    if (!gegl_has_operation(*op))
        return gp_fail(err, GP_ERR_UNSUPPORTED, "%s: GEGL's %s is not installed", path, *op);
    return GP_OK;
}

gp_status cli_gegl_read(const char *path, gp_image *rgb, gp_error *err)
{
    const char *op = NULL;
    gp_status s = sniff(path, &op, err);
    if (s != GP_OK)
        return s;
    GeglNode *graph = gegl_node_new();
    GeglNode *load = gegl_node_new_child(graph, "operation", op, "path", path, NULL);
    /* The loaders read only the header for the size. */
    GeglRectangle r = gegl_node_get_bounding_box(load);
    if (r.width <= 0 || r.height <= 0)
        s = gp_fail(err, GP_ERR_FORMAT, "%s: corrupt picture (GEGL's %s read no pixels)", path, op);
    else if ((long long)r.width * r.height > GP_PICTURE_MAX_PIXELS)
        s = cli_picture_too_big(path, r.width, r.height, err);
    else if (gp_image_alloc(rgb, r.width, r.height, 3) != GP_OK)
        s = gp_fail(err, GP_ERR_MEMORY, "%s: out of memory for %dx%d pixels", path, r.width, r.height);
    else
        gegl_node_blit(load, 1.0, &r, babl_format("R'G'B' float"), rgb->data, GEGL_AUTO_ROWSTRIDE,
                       GEGL_BLIT_DEFAULT);
    g_object_unref(graph);
    return s;
}

const char *cli_gegl_saver(const char *path)
{
    static const struct { const char *ext, *op; } savers[] = {
        { ".jpg", "gegl:jpg-save" }, { ".jpeg", "gegl:jpg-save" }, { ".tif", "gegl:tiff-save" },
        { ".tiff", "gegl:tiff-save" }, { ".webp", "gegl:webp-save" },
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof savers / sizeof savers[0]; i++)
        if (!strcasecmp(dot, savers[i].ext))
            return savers[i].op;
    return NULL;
}

gp_status cli_gegl_write(const char *path, const char *save_op, const gp_image *img, gp_error *err)
{
    cli_gegl_start();
    if (!gegl_has_operation(save_op))
        return gp_fail(err, GP_ERR_UNSUPPORTED, "cannot write %s: GEGL's %s is not installed", path, save_op);
    /* The saver goes by the name, so the temporary file keeps the extension. */
    const char *ext = strrchr(path, '.');
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%.*s.tmp-XXXXXX%s", (int)(ext - path), path, ext) >= (int)sizeof tmp)
        return gp_fail(err, GP_ERR_IO, "cannot write %s: path too long", path);
    int fd = cli_temp_create(tmp, (int)strlen(ext));
    if (fd < 0)
        return gp_fail(err, GP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    close(fd);
    /* 8 bits a sample, as the PNG writer: the savers keep the buffer's
     * format, and float TIFFs are not what a photo editor expects. */
    GeglBuffer *buf = gegl_buffer_new(GEGL_RECTANGLE(0, 0, img->width, img->height),
                                      babl_format(img->channels == 1 ? "Y' u8" : "R'G'B' u8"));
    gegl_buffer_set(buf, NULL, 0, babl_format(img->channels == 1 ? "Y' float" : "R'G'B' float"),
                    img->data, GEGL_AUTO_ROWSTRIDE);
    GeglNode *graph = gegl_node_new();
    GeglNode *src = gegl_node_new_child(graph, "operation", "gegl:buffer-source", "buffer", buf, NULL);
    GeglNode *save = gegl_node_new_child(graph, "operation", save_op, "path", tmp, NULL);
    gegl_node_link(src, save);
    gegl_node_process(save);
    g_object_unref(graph);
    g_object_unref(buf);
    struct stat sb;
    gp_status s = GP_OK;
    if (stat(tmp, &sb) != 0 || sb.st_size == 0)
        s = gp_fail(err, GP_ERR_IO, "cannot write %s: GEGL's %s wrote nothing", path, save_op);
    else if (cli_interrupted())
        s = gp_fail(err, GP_ERR_CANCELLED, "cancelled; %s not written", path);
    else if (rename(tmp, path) != 0)
        s = gp_fail(err, GP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (s != GP_OK)
        unlink(tmp);
    cli_temp_file(NULL);
    return s;
}
