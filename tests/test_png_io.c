/* test_png_io.c — the CLI's PNG reader/writer, and the area resampler
 * its model-size mode brings pictures to the model with (bridge.h).
 *
 * Fixtures of every PNG colour type and bit depth are written here with
 * libpng directly (not with the code under test), with known sample
 * values; the reader must give those values back as floats.  The
 * resampler must keep a constant image constant, average a checkerboard
 * to its mean when reducing by 4, match block means for integer factors
 * and interpolate linearly when enlarging.
 */
#include "check.h"
#include "cli.h"
#include "png_io.h"
#include "bridge.h"

#include <dirent.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

/* A PNG written by libpng alone; rows are packed as libpng expects. */
typedef struct raw_png {
    int width, height, color_type, depth, interlace;
    const unsigned char *rows; /* height * rowbytes */
    size_t rowbytes;
    const png_color *palette;
    int npalette;
    const png_byte *trns;
    int ntrns;
} raw_png;

static void write_raw(const char *path, const raw_png *r)
{
    FILE *f = fopen(path, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)r->width, (png_uint_32)r->height, r->depth,
                 r->color_type, r->interlace, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (r->palette)
        png_set_PLTE(png, info, r->palette, r->npalette);
    if (r->trns)
        png_set_tRNS(png, info, r->trns, r->ntrns, NULL);
    png_write_info(png, info);
    png_bytep rows[64];
    for (int y = 0; y < r->height; y++)
        rows[y] = (png_bytep)r->rows + r->rowbytes * (size_t)y;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

static float at(const gp_image *img, int x, int y, int c)
{
    return img->data[((size_t)y * img->width + x) * img->channels + c];
}

static bool near(float a, float b) { return fabsf(a - b) < 1e-6f; }

static int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_round_trip(void)
{
    gp_image img, back;
    gp_image_alloc(&img, 5, 3, 3);
    for (int i = 0; i < 45; i++)
        img.data[i] = (float)((i * 37) % 256) / 255.0f;
    img.data[0] = -0.5f; /* clamped */
    img.data[1] = 1.5f;
    const char *p = tmp_path("round.png");
    gp_error err;
    CHECK(cli_png_write(p, &img, &err) == GP_OK, "write: %s", err.message);
    CHECK(cli_png_read(p, 3, &back, &err) == GP_OK, "read back: %s", err.message);
    CHECK(back.width == 5 && back.height == 3 && back.channels == 3, "size %dx%dx%d",
          back.width, back.height, back.channels);
    img.data[0] = 0.0f;
    img.data[1] = 1.0f;
    int bad = 0;
    for (int i = 0; i < 45 && back.data; i++)
        bad += !near(back.data[i], img.data[i]);
    CHECK(bad == 0, "%d samples differ after the round trip", bad);
    CHECK(count_files() == 1, "the temporary file was left behind (%d files)", count_files());
    /* Overwriting an existing file replaces it whole. */
    img.data[2] = 0.0f;
    CHECK(cli_png_write(p, &img, &err) == GP_OK, "overwrite: %s", err.message);
    gp_image_release(&back);
    cli_png_read(p, 3, &back, &err);
    CHECK(back.data && near(back.data[2], 0.0f), "overwrite did not replace the file");
    gp_image_release(&back);
    gp_image_release(&img);
}

static void test_write_failure(void)
{
    gp_image img;
    gp_image_alloc(&img, 2, 2, 3);
    gp_error err;
    const char *p = tmp_path("no-such-dir/out.png");
    CHECK(cli_png_write(p, &img, &err) == GP_ERR_IO, "writing into a missing folder succeeded");
    CHECK(strstr(err.message, "no-such-dir/out.png"), "message does not name the file: %s",
          err.message);
    CHECK(cli_png_check_writable(p, &err) == GP_ERR_IO, "missing folder reported writable");
    CHECK(cli_png_check_writable(dir, &err) == GP_ERR_IO, "a folder reported writable as a file");
    CHECK(cli_png_check_writable(tmp_path("fresh.png"), &err) == GP_OK, "%s", err.message);
    gp_image_release(&img);
}

/* Reads path as RGB and as gray; checks pixel (x, y) of both. */
static void expect_pixel(const char *what, const char *path, int x, int y, float r, float g,
                         float b)
{
    gp_image rgb, gray;
    gp_error err;
    CHECK(cli_png_read(path, 3, &rgb, &err) == GP_OK, "%s: %s", what, err.message);
    CHECK(cli_png_read(path, 1, &gray, &err) == GP_OK, "%s gray: %s", what, err.message);
    if (!rgb.data || !gray.data)
        return;
    CHECK(near(at(&rgb, x, y, 0), r) && near(at(&rgb, x, y, 1), g) && near(at(&rgb, x, y, 2), b),
          "%s (%d,%d): got %.6f %.6f %.6f, want %.6f %.6f %.6f", what, x, y, at(&rgb, x, y, 0),
          at(&rgb, x, y, 1), at(&rgb, x, y, 2), r, g, b);
    CHECK(near(at(&gray, x, y, 0), cli_luma(r, g, b)), "%s (%d,%d) gray: got %.6f, want %.6f",
          what, x, y, at(&gray, x, y, 0), cli_luma(r, g, b));
    gp_image_release(&rgb);
    gp_image_release(&gray);
}

static void test_gray_depths(void)
{
    /* 1, 2 and 4 bits: row 0 holds 0, 1, ... packed MSB first. */
    static const unsigned char bits1[] = { 0x40 }, bits2[] = { 0x1b }, bits4[] = { 0x0f, 0x70 };
    const struct { int depth; const unsigned char *row; int x; int v; } cases[] = {
        { 1, bits1, 1, 1 }, { 1, bits1, 0, 0 }, { 2, bits2, 2, 2 }, { 2, bits2, 3, 3 },
        { 4, bits4, 1, 15 }, { 4, bits4, 2, 7 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        raw_png r = { .width = 4, .height = 1, .color_type = PNG_COLOR_TYPE_GRAY,
                      .depth = cases[i].depth, .rows = cases[i].row, .rowbytes = 2 };
        char name[32];
        snprintf(name, sizeof name, "gray%d.png", cases[i].depth);
        write_raw(tmp_path(name), &r);
        float v = (float)cases[i].v / (float)((1 << cases[i].depth) - 1);
        expect_pixel(name, tmp_path(name), cases[i].x, 0, v, v, v);
    }
    static const unsigned char gray8[] = { 0, 200, 255 };
    raw_png r8 = { .width = 3, .height = 1, .color_type = PNG_COLOR_TYPE_GRAY, .depth = 8,
                   .rows = gray8, .rowbytes = 3 };
    write_raw(tmp_path("gray8.png"), &r8);
    expect_pixel("gray8", tmp_path("gray8.png"), 1, 0, 200 / 255.0f, 200 / 255.0f, 200 / 255.0f);
}

static void test_palette(void)
{
    static const png_color pal[3] = { { 255, 0, 0 }, { 10, 20, 30 }, { 0, 0, 255 } };
    static const png_byte trns[3] = { 255, 0, 128 }; /* alpha is ignored */
    static const unsigned char idx[] = { 2, 1, 0, 1 };
    raw_png r = { .width = 2, .height = 2, .color_type = PNG_COLOR_TYPE_PALETTE, .depth = 8,
                  .rows = idx, .rowbytes = 2, .palette = pal, .npalette = 3, .trns = trns,
                  .ntrns = 3 };
    write_raw(tmp_path("palette.png"), &r);
    expect_pixel("palette", tmp_path("palette.png"), 1, 0, 10 / 255.0f, 20 / 255.0f, 30 / 255.0f);
    expect_pixel("palette", tmp_path("palette.png"), 0, 0, 0, 0, 1);
    /* 4-bit palette: indices 1 and 2 packed in one byte. */
    static const unsigned char idx4[] = { 0x12 };
    raw_png r4 = r;
    r4.depth = 4;
    r4.height = 1;
    r4.rows = idx4;
    r4.rowbytes = 1;
    write_raw(tmp_path("palette4.png"), &r4);
    expect_pixel("palette4", tmp_path("palette4.png"), 1, 0, 0, 0, 1);
}

static void test_16bit_and_alpha(void)
{
    /* 16-bit RGB, big-endian samples 0x1234, 0xfedc, 0x0001. */
    static const unsigned char rgb16[] = { 0x12, 0x34, 0xfe, 0xdc, 0x00, 0x01 };
    raw_png r = { .width = 1, .height = 1, .color_type = PNG_COLOR_TYPE_RGB, .depth = 16,
                  .rows = rgb16, .rowbytes = 6 };
    write_raw(tmp_path("rgb16.png"), &r);
    expect_pixel("rgb16 keeps 16-bit precision", tmp_path("rgb16.png"), 0, 0, 0x1234 / 65535.0f,
                 0xfedc / 65535.0f, 1 / 65535.0f);
    /* RGBA: a fully transparent pixel still reads as its colour. */
    static const unsigned char rgba[] = { 10, 20, 30, 0, 40, 50, 60, 255 };
    raw_png ra = { .width = 2, .height = 1, .color_type = PNG_COLOR_TYPE_RGBA, .depth = 8,
                   .rows = rgba, .rowbytes = 8 };
    write_raw(tmp_path("rgba.png"), &ra);
    expect_pixel("rgba", tmp_path("rgba.png"), 0, 0, 10 / 255.0f, 20 / 255.0f, 30 / 255.0f);
    expect_pixel("rgba", tmp_path("rgba.png"), 1, 0, 40 / 255.0f, 50 / 255.0f, 60 / 255.0f);
    /* 16-bit gray + alpha. */
    static const unsigned char ga16[] = { 0x80, 0x00, 0x00, 0x00 };
    raw_png rg = { .width = 1, .height = 1, .color_type = PNG_COLOR_TYPE_GRAY_ALPHA, .depth = 16,
                   .rows = ga16, .rowbytes = 4 };
    write_raw(tmp_path("ga16.png"), &rg);
    float v = 0x8000 / 65535.0f;
    expect_pixel("gray+alpha 16", tmp_path("ga16.png"), 0, 0, v, v, v);
}

static void test_interlaced(void)
{
    unsigned char px[9 * 7 * 3];
    for (int i = 0; i < 9 * 7 * 3; i++)
        px[i] = (unsigned char)(i * 5);
    raw_png r = { .width = 9, .height = 7, .color_type = PNG_COLOR_TYPE_RGB, .depth = 8,
                  .interlace = PNG_INTERLACE_ADAM7, .rows = px, .rowbytes = 27 };
    write_raw(tmp_path("adam7.png"), &r);
    const unsigned char *p = px + (5 * 9 + 6) * 3;
    expect_pixel("interlaced", tmp_path("adam7.png"), 6, 5, p[0] / 255.0f, p[1] / 255.0f,
                 p[2] / 255.0f);
}

static void test_bad_files(void)
{
    gp_image img;
    gp_error err;
    const char *p = tmp_path("not.png");
    FILE *f = fopen(p, "w");
    fputs("this is not an image at all\n", f);
    fclose(f);
    CHECK(cli_png_read(p, 3, &img, &err) == GP_ERR_FORMAT && strstr(err.message, "not a PNG"),
          "text file: %s", err.message);
    CHECK(!img.data, "a failed read left an image");
    CHECK(cli_png_read(tmp_path("missing.png"), 3, &img, &err) == GP_ERR_IO &&
              strstr(err.message, "missing.png"),
          "missing file: %s", err.message);
    /* A noisy image cut in half. */
    unsigned char px[32 * 32 * 3];
    for (int i = 0; i < 32 * 32 * 3; i++)
        px[i] = (unsigned char)((i * 2654435761u) >> 24);
    raw_png r = { .width = 32, .height = 32, .color_type = PNG_COLOR_TYPE_RGB, .depth = 8,
                  .rows = px, .rowbytes = 96 };
    p = tmp_path("cut.png");
    write_raw(p, &r);
    f = fopen(p, "r+");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    CHECK(truncate(p, size / 2) == 0, "truncate");
    CHECK(cli_png_read(p, 3, &img, &err) == GP_ERR_FORMAT && strstr(err.message, "truncated"),
          "truncated file: %s", err.message);
    CHECK(!img.data, "a failed read left an image");
}

/* A 20000 x 15000 picture (a header and no pixels, as a small file can
 * declare): refused from its header, before 3.6 GB of floats are made. */
static void test_too_big(void)
{
    const char *p = tmp_path("huge.png");
    FILE *f = fopen(p, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    png_set_IHDR(png, info, 20000, 15000, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_destroy_write_struct(&png, &info);
    fclose(f);
    gp_image img;
    gp_error err;
    CHECK(cli_png_read(p, 3, &img, &err) == GP_ERR_ARGUMENT && strstr(err.message, "20000x15000") &&
              strstr(err.message, "megapixels"),
          "20000x15000 picture: %s", err.message);
    CHECK(!img.data, "a refused read left an image");
}

/* Ctrl-C: a second one ends the process at once (130) and takes the
 * temporary file of the write in progress with it. */
static void test_second_interrupt(void)
{
    const char *p = tmp_path("half-written.png.tmp-XXXXXX");
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = fopen(p, "w");
        fputs("half a PNG", f);
        fclose(f);
        cli_catch_sigint();
        cli_temp_file(p);
        raise(SIGINT);
        raise(SIGINT);
        _exit(0);   /* not reached */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130, "second Ctrl-C: exit status %d", status);
    CHECK(access(p, F_OK) != 0, "the temporary file was left behind");
}

/* Ctrl-C during a write (here: before it ends) discards it: the existing
 * file keeps its content and no temporary file is left.  Last, as the
 * flag stays set for this process. */
static void test_interrupted_write(void)
{
    gp_image img, back;
    gp_error err;
    CHECK(gp_image_alloc(&img, 4, 2, 3) == GP_OK, "alloc");
    for (int i = 0; i < 24; i++)
        img.data[i] = 0.25f;
    const char *p = tmp_path("kept.png");
    CHECK(cli_png_write(p, &img, &err) == GP_OK, "first write: %s", err.message);
    int files = count_files();
    for (int i = 0; i < 24; i++)
        img.data[i] = 0.75f;
    cli_catch_sigint();
    raise(SIGINT);
    CHECK(cli_png_write(p, &img, &err) == GP_ERR_CANCELLED && strstr(err.message, "not written"),
          "interrupted write: %s", err.message);
    CHECK(count_files() == files, "a temporary file was left behind");
    CHECK(cli_png_read(p, 3, &back, &err) == GP_OK && fabsf(back.data[0] - 0.25f) < 0.01f,
          "the existing file changed");
    gp_image_release(&back);
    gp_image_release(&img);
}

static void fill(gp_image *img, float (*f)(int x, int y, int c))
{
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
            for (int c = 0; c < img->channels; c++)
                img->data[((size_t)y * img->width + x) * img->channels + c] = f(x, y, c);
}

static float constant(int x, int y, int c) { (void)x, (void)y, (void)c; return 0.3f; }
static float checker(int x, int y, int c) { (void)c; return (float)((x + y) & 1); }
static float noise(int x, int y, int c) { return (float)(((x * 7 + y * 13 + c * 5) * 2654435761u) >> 24) / 255.0f; }

/* Largest |dst - v| over all samples. */
static float max_dev(const gp_image *img, float v)
{
    float m = 0.0f;
    for (size_t i = 0; i < (size_t)img->width * img->height * img->channels; i++)
        m = fmaxf(m, fabsf(img->data[i] - v));
    return m;
}

static void test_resize_constant_and_checker(void)
{
    gp_image src, dst;
    gp_error err;
    gp_image_alloc(&src, 37, 23, 3);
    fill(&src, constant);
    const int sizes[][2] = { { 128, 128 }, { 5, 7 }, { 37, 23 }, { 1, 1 }, { 300, 11 } };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        CHECK(gp_image_resample(&src, sizes[i][0], sizes[i][1], &dst, &err) == GP_OK, "%s", err.message);
        CHECK(dst.width == sizes[i][0] && dst.height == sizes[i][1] && dst.channels == 3,
              "size %dx%dx%d", dst.width, dst.height, dst.channels);
        CHECK(max_dev(&dst, 0.3f) < 1e-6f, "constant to %dx%d deviates by %g", sizes[i][0],
              sizes[i][1], max_dev(&dst, 0.3f));
        gp_image_release(&dst);
    }
    gp_image_release(&src);
    /* Antialiasing: a 1-pixel checkerboard reduced by 4 is its mean, at
     * every pixel including the borders (a point sampler gives 0 or 1). */
    gp_image_alloc(&src, 64, 48, 1);
    fill(&src, checker);
    CHECK(gp_image_resample(&src, 16, 12, &dst, &err) == GP_OK, "%s", err.message);
    CHECK(dst.width == 16 && dst.height == 12 && dst.channels == 1, "checker size");
    CHECK(max_dev(&dst, 0.5f) < 1e-6f, "checkerboard / 4 deviates from 0.5 by %g",
          max_dev(&dst, 0.5f));
    gp_image_release(&dst);
    /* Reduced by 3.2 (not an integer) it is still close to the mean. */
    CHECK(gp_image_resample(&src, 20, 15, &dst, &err) == GP_OK, "%s", err.message);
    CHECK(max_dev(&dst, 0.5f) < 0.1f, "checkerboard / 3.2 deviates from 0.5 by %g",
          max_dev(&dst, 0.5f));
    gp_image_release(&dst);
    gp_image_release(&src);
}

/* A region resampled in place equals the same pixels copied out and
 * resampled, bit for bit (the face finder reads parts of big pictures
 * this way); regions and rows outside the picture are refused. */
static void test_resize_region(void)
{
    gp_image src, crop, a, b = { 0 };
    gp_error err;
    gp_image_alloc(&src, 61, 47, 3);
    fill(&src, noise);
    const int r[4] = { 9, 5, 40, 33 };
    gp_image_alloc(&crop, r[2], r[3], 3);
    for (int y = 0; y < r[3]; y++)
        memcpy(crop.data + (size_t)y * r[2] * 3, src.data + ((size_t)(r[1] + y) * 61 + r[0]) * 3,
               sizeof(float) * r[2] * 3);
    const int sizes[][2] = { { 13, 11 }, { 90, 70 }, { 40, 33 } };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const int w = sizes[i][0], h = sizes[i][1];
        CHECK(gp_image_resample(&crop, w, h, &a, &err) == GP_OK, "%s", err.message);
        CHECK(gp_image_resample_part(&src, r, w, h, 0, h, &b, &err) == GP_OK, "%s", err.message);
        CHECK(memcmp(a.data, b.data, sizeof(float) * w * h * 3) == 0,
              "region to %dx%d differs from its copy resampled", w, h);
        gp_image_release(&a);
        gp_image_release(&b);
    }
    const int outside[][4] = { { -1, 0, 10, 10 }, { 52, 0, 10, 10 }, { 0, 40, 10, 8 }, { 0, 0, 0, 5 } };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        CHECK(gp_image_resample_part(&src, outside[i], 8, 8, 0, 8, &b, &err) == GP_ERR_ARGUMENT &&
                  b.data == NULL, "region %zu outside the picture accepted", i);
    }
    CHECK(gp_image_resample_part(&src, r, 8, 8, 4, 5, &b, &err) == GP_ERR_ARGUMENT && !b.data,
          "rows past the end accepted");
    gp_image_release(&crop);
    gp_image_release(&src);
}

static void test_resize_blocks_and_enlarge(void)
{
    gp_image src, dst;
    gp_error err;
    gp_image_alloc(&src, 12, 8, 3);
    fill(&src, noise);
    CHECK(gp_image_resample(&src, 3, 2, &dst, &err) == GP_OK, "%s", err.message);
    int bad = 0;
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            for (int c = 0; c < 3; c++) {
                float mean = 0.0f;
                for (int k = 0; k < 16; k++)
                    mean += at(&src, 4 * x + k % 4, 4 * y + k / 4, c) / 16.0f;
                bad += fabsf(at(&dst, x, y, c) - mean) > 1e-5f;
            }
    CHECK(bad == 0, "%d pixels differ from their 4x4 block means", bad);
    gp_image_release(&dst);
    gp_image_release(&src);
    /* Enlarging [0, 1] by 2: bilinear between the pixel centres, the
     * edge pixels repeated outside them. */
    gp_image_alloc(&src, 2, 1, 1);
    src.data[1] = 1.0f;
    CHECK(gp_image_resample(&src, 4, 1, &dst, &err) == GP_OK, "%s", err.message);
    const float want[4] = { 0.0f, 0.25f, 0.75f, 1.0f };
    for (int i = 0; i < 4; i++)
        CHECK(near(dst.data[i], want[i]), "enlarged[%d] = %g, want %g", i, dst.data[i], want[i]);
    gp_image_release(&dst);
    gp_image_release(&src);
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.')
            unlink(tmp_path(e->d_name));
    if (d)
        closedir(d);
    rmdir(dir);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test_png_io.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_write_failure();
    test_gray_depths();
    test_palette();
    test_16bit_and_alpha();
    test_interlaced();
    test_bad_files();
    test_too_big();
    test_second_interrupt();
    test_resize_constant_and_checker();
    test_resize_blocks_and_enlarge();
    test_resize_region();
    test_interrupted_write();
    remove_dir();
    return CHECK_DONE();
}
