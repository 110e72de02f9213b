/* activation.c — the face networks' activations, in place. */
#include "faces/layers.h"

void gp_fa_leaky(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] < 0.0f)
            x[i] *= 0.1f;
}

void gp_fa_relu(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] < 0.0f)
            x[i] = 0.0f;
}
