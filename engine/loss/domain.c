/* domain.c — the domain regulariser of in-domain inversion (domain.h). */
#include "loss/domain.h"

float gp_domain_term(gp_encoder *e, const float *z, int latent, const float *x, float weight,
                     float *dx, float *dz)
{
    const float *code = gp_encoder_encode(e, x);
    const float k = 2.0f * weight / (float)latent;
    double sum = 0.0;
    /* dz first holds the gradient at E(x), -k (z - E(x)), for E's
     * backward pass; the gradient at z is its negative. */
    for (int i = 0; i < latent; i++) {
        const float r = z[i] - code[i];
        sum += (double)r * r;
        dz[i] = -k * r;
    }
    gp_encoder_backward(e, dz, dx);
    for (int i = 0; i < latent; i++)
        dz[i] = -dz[i];
    return weight * (float)(sum / latent);
}
