/* psnr.c — the PSNR the commands report (cli.h). */
#include "cli.h"

#include <math.h>

double cli_psnr_of(double squared_error, size_t count)
{
    if (!count)
        return NAN;
    const double mse = squared_error / (double)count;
    return mse > 1e-10 ? 10.0 * log10(1.0 / mse) : 100.0;
}

double cli_psnr(const gp_image *a, const gp_image *b, const gp_image *hole)
{
    const size_t n = (size_t)a->width * a->height;
    const int ch = a->channels;
    double sum = 0.0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (hole && hole->data[i] >= 0.5f)
            continue;
        for (int c = 0; c < ch; c++) {
            const double d = (double)a->data[i * ch + c] - b->data[i * ch + c];
            sum += d * d;
        }
        count += (size_t)ch;
    }
    return cli_psnr_of(sum, count);
}
