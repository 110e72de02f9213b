/* png_io.c — PNG reading and writing with libpng (see png_io.h). */
#include "png_io.h"
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The engine's images are at most 65536 on a side (gp_image_alloc). */
enum { MAX_SIDE = 1 << 16 };

/* Everything libpng touches between setjmp and a longjmp lives here,
 * outside the functions that call setjmp, so none of it is left
 * indeterminate by the jump. */
typedef struct png_job {
    jmp_buf jmp;
    char message[200];
    png_structp png;
    png_infop info;
    unsigned char *pixels;
    png_bytep *rows;
    int width, height, channels, depth;
    int passes;   /* interlace passes: 1, or 7 for Adam7 */
    bool too_big; /* refused from the header, before decoding */
} png_job;

static void on_error(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);
    snprintf(job->message, sizeof job->message, "%s", msg);
    longjmp(job->jmp, 1);
}

/* Benign chunk complaints (an odd iCCP profile, say) are not the user's
 * problem: the pixels still decode. */
static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Reads the header and sets libpng to deliver 8- or 16-bit gray or RGB
 * (it expands palettes and low bit depths, and strips alpha); the size,
 * channels, depth and interlace passes into job. */
static bool read_header(png_job *job, FILE *f)
{
    if (setjmp(job->jmp))
        return false;
    png_init_io(job->png, f);
    png_set_sig_bytes(job->png, 8);
    png_set_user_limits(job->png, MAX_SIDE, MAX_SIDE);
    png_read_info(job->png, job->info);
    png_set_expand(job->png);
    png_set_strip_alpha(job->png);
    job->passes = png_set_interlace_handling(job->png);
    png_read_update_info(job->png, job->info);
    job->width = (int)png_get_image_width(job->png, job->info);
    job->height = (int)png_get_image_height(job->png, job->info);
    job->channels = png_get_channels(job->png, job->info);
    job->depth = png_get_bit_depth(job->png, job->info);
    return true;
}

/* One decoded row as floats in [0, 1].  8-bit values go through a table
 * of v / 255 (the same values, without a division each). */
static void row_to_float(const png_job *job, const unsigned char *row, float *dst)
{
    static float byte_value[256];
    if (byte_value[255] == 0.0f)
        for (int v = 0; v < 256; v++)
            byte_value[v] = (float)v / 255.0f;
    const size_t n = (size_t)job->width * job->channels;
    if (job->depth == 16)
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)(row[2 * i] << 8 | row[2 * i + 1]) / 65535.0f;
    else
        for (size_t i = 0; i < n; i++)
            dst[i] = byte_value[row[i]];
}

/* Decodes the pixels into img (allocated at the header's size): row by
 * row through one row buffer, or, for an interlaced file, whose passes
 * each visit every row, through a whole decoded image. */
static bool read_pixels(png_job *job, gp_image *img)
{
    if (setjmp(job->jmp))
        return false;
    const size_t rowbytes = png_get_rowbytes(job->png, job->info);
    const int buffered = job->passes > 1 ? job->height : 1;
    job->pixels = malloc(rowbytes * (size_t)buffered);
    if (!job->pixels)
        png_error(job->png, "out of memory");
    const size_t floats = (size_t)job->width * job->channels;
    if (job->passes > 1) {
        job->rows = malloc(sizeof *job->rows * (size_t)job->height);
        if (!job->rows)
            png_error(job->png, "out of memory");
        for (int y = 0; y < job->height; y++)
            job->rows[y] = job->pixels + rowbytes * (size_t)y;
        png_read_image(job->png, job->rows);
    }
    for (int y = 0; y < job->height; y++) {
        unsigned char *row = job->pixels + (job->passes > 1 ? rowbytes * (size_t)y : 0);
        if (job->passes == 1)
            png_read_row(job->png, row, NULL);
        row_to_float(job, row, img->data + floats * (size_t)y);
    }
    return true;
}

/* Whether the IHDR chunk that must follow the signature declares more
 * than GP_PICTURE_MAX_PIXELS (sets the size in job); leaves f where it was. */
static bool declares_too_many(png_job *job, FILE *f)
{
    unsigned char h[16];
    long at = ftell(f);
    size_t n = fread(h, 1, sizeof h, f);
    fseek(f, at, SEEK_SET);
    if (n != sizeof h || memcmp(h + 4, "IHDR", 4) != 0)
        return false;   /* not a valid PNG: libpng will say so */
    uint32_t w = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 | h[11];
    uint32_t ht = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
    job->width = (int)(w > INT32_MAX ? INT32_MAX : w);
    job->height = (int)(ht > INT32_MAX ? INT32_MAX : ht);
    return (uint64_t)w * ht > (uint64_t)GP_PICTURE_MAX_PIXELS;
}

/* Reads f (past its signature) at its own channel count. */
static gp_status read_native(FILE *f, const char *path, gp_image *img, gp_error *err)
{
    png_job job = { 0 };
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    job.info = job.png ? png_create_info_struct(job.png) : NULL;
    gp_status s = GP_OK;
    job.too_big = declares_too_many(&job, f);
    bool header = job.info && !job.too_big && read_header(&job, f);
    if (!job.info)
        s = gp_fail(err, GP_ERR_MEMORY, "%s: out of memory", path);
    else if (job.too_big)
        s = cli_picture_too_big(path, job.width, job.height, err);
    else if (!header)
        s = gp_fail(err, GP_ERR_FORMAT, "%s: corrupt or truncated PNG (%s)", path, job.message);
    else if (job.channels != 1 && job.channels != 3)
        s = gp_fail(err, GP_ERR_FORMAT, "%s: unexpected %d channels after decoding", path,
                     job.channels);
    else if (gp_image_alloc(img, job.width, job.height, job.channels) != GP_OK)
        s = gp_fail(err, GP_ERR_MEMORY, "%s: out of memory for %dx%d pixels", path, job.width,
                     job.height);
    else if (!read_pixels(&job, img)) {
        gp_image_release(img);
        s = gp_fail(err, GP_ERR_FORMAT, "%s: corrupt or truncated PNG (%s)", path, job.message);
    }
    png_destroy_read_struct(&job.png, &job.info, NULL);
    free(job.pixels);
    free(job.rows);
    return s;
}

gp_status cli_png_read(const char *path, int channels, gp_image *img, gp_error *err)
{
    *img = (gp_image){ 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_fail(err, GP_ERR_IO, "%s: %s", path, strerror(errno));
    unsigned char sig[8];
    gp_image native = { 0 };
    gp_status s;
    if (fread(sig, 1, sizeof sig, f) != sizeof sig || png_sig_cmp(sig, 0, sizeof sig))
        s = gp_fail(err, GP_ERR_FORMAT, "%s: not a PNG file", path);
    else
        s = read_native(f, path, &native, err);
    fclose(f);
    if (s != GP_OK || native.channels == channels) {
        *img = native;
        return s;
    }
    s = cli_image_convert(&native, channels, img, err);
    gp_image_release(&native);
    return s;
}

gp_status cli_image_convert(const gp_image *src, int channels, gp_image *dst, gp_error *err)
{
    if (gp_image_alloc(dst, src->width, src->height, channels) != GP_OK)
        return gp_fail(err, GP_ERR_MEMORY, "out of memory for a %dx%d image", src->width,
                        src->height);
    const size_t n = (size_t)src->width * src->height;
    const float *s = src->data;
    float *d = dst->data;
    for (size_t i = 0; i < n; i++, s += src->channels, d += channels) {
        if (channels == 1)
            d[0] = src->channels == 3 ? cli_luma(s[0], s[1], s[2]) : s[0];
        else
            for (int c = 0; c < 3; c++)
                d[c] = s[src->channels == 3 ? c : 0];
    }
    return GP_OK;
}

static unsigned char to_byte(float v)
{
    /* Written so that NaN lands on 0 rather than in undefined territory. */
    float c = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
    return (unsigned char)(c * 255.0f + 0.5f);
}

/* Row y of img as 8-bit RGB. */
static void row_to_rgb8(const gp_image *img, int y, unsigned char *row)
{
    const float *src = img->data + (size_t)y * img->width * img->channels;
    for (int x = 0; x < img->width; x++, src += img->channels)
        for (int c = 0; c < 3; c++)
            row[3 * x + c] = to_byte(src[img->channels == 3 ? c : 0]);
}

/* Encodes img row by row through job->pixels (one row). */
static bool encode(png_job *job, const gp_image *img, FILE *f)
{
    if (setjmp(job->jmp))
        return false;
    png_init_io(job->png, f);
    /* A photo-sized result at zlib's fastest level and with the "up"
     * filter alone instead of a per-row choice among all five: seconds
     * saved for a few per cent of file size (a 6000x4000 photo: 0.6 s
     * less CPU, 4 % larger; model-size images keep the defaults). */
    if ((long long)job->width * job->height > 1000000) {
        png_set_compression_level(job->png, 1);
        png_set_filter(job->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    }
    png_set_IHDR(job->png, job->info, (png_uint_32)job->width, (png_uint_32)job->height, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(job->png, job->info);
    for (int y = 0; y < job->height; y++) {
        row_to_rgb8(img, y, job->pixels);
        png_write_row(job->png, job->pixels);
    }
    png_write_end(job->png, NULL);
    return true;
}

static gp_status write_stream(FILE *f, const char *path, const gp_image *img, gp_error *err)
{
    png_job job = { .width = img->width, .height = img->height, .channels = 3, .depth = 8 };
    job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    job.info = job.png ? png_create_info_struct(job.png) : NULL;
    job.pixels = malloc((size_t)img->width * 3);
    gp_status s = GP_OK;
    if (!job.info || !job.pixels)
        s = gp_fail(err, GP_ERR_MEMORY, "cannot write %s: out of memory", path);
    else if (!encode(&job, img, f))
        s = gp_fail(err, GP_ERR_IO, "cannot write %s: %s", path, job.message);
    png_destroy_write_struct(&job.png, &job.info);
    free(job.pixels);
    return s;
}

/* mkstemp makes 0600 files; give the result the mode any new file gets. */
static gp_status write_failed(const char *path, gp_error *err)
{
    return gp_fail(err, GP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
}

gp_status cli_png_write(const char *path, const gp_image *img, gp_error *err)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp)
        return gp_fail(err, GP_ERR_IO, "cannot write %s: path too long", path);
    int fd = cli_temp_create(tmp, 0);
    if (fd < 0)
        return write_failed(path, err);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        gp_status s = write_failed(path, err);
        close(fd);
        unlink(tmp);
        cli_temp_file(NULL);
        return s;
    }
    gp_status s = write_stream(f, path, img, err);
    if (fclose(f) != 0 && s == GP_OK)
        s = write_failed(path, err);
    if (s == GP_OK && cli_interrupted())   /* Ctrl-C while writing: keep what was there */
        s = gp_fail(err, GP_ERR_CANCELLED, "cancelled; %s not written", path);
    if (s == GP_OK && rename(tmp, path) != 0)
        s = write_failed(path, err);
    if (s != GP_OK)
        unlink(tmp);
    cli_temp_file(NULL);
    return s;
}

gp_status cli_png_check_writable(const char *path, gp_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return gp_fail(err, GP_ERR_IO, "%s: is a folder, not a file name", path);
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    const char *dir = dirname(copy);
    if (access(dir, W_OK | X_OK) != 0)
        return gp_fail(err, GP_ERR_IO, "cannot write %s: folder %s: %s", path, dir,
                        strerror(errno));
    return GP_OK;
}
