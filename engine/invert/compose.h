/* compose.h — generating an image from one or several latent codes.
 *
 * mGANprior (Gu, Shen & Zhou, CVPR 2020, arXiv:1912.07116) splits the
 * generator at a layer l: G1 = layers before l, G2 = the rest, and
 * composes N codes in feature space with per-channel importances:
 *     x = G2( sum_n alpha_n ⊙ G1(z_n) )       (eqs. 2-3)
 * Single-code inversion is the special case l = 0, N = 1, alpha = 1.
 * The N G1 passes run as one batch, so their GEMMs are N times wider.
 *
 * PmSFC (Li et al., AAAI 2021) is the same sum with a fixed channel
 * mask per code: each of P codes per subspace feeds only its subspace's
 * channels, and one base code feeds all of them,
 *     x = G2( sum_t (M_k(t) ⊙ alpha_t) ⊙ G1(z_t) + alpha_0 ⊙ G1(z_0) )
 * so the mask multiplies alpha in both directions and alpha never
 * moves where the mask is 0.
 */
#ifndef GP_COMPOSE_H
#define GP_COMPOSE_H

#include "nn/net.h"

typedef struct gp_composer {
    const gp_net *net;
    int split;        /* first layer of G2 */
    int n;            /* codes */
    int latent;       /* floats per code */
    int c, hw;        /* feature channels and pixels at the split */
    gp_trace *g1;     /* batch n; NULL when split == 0 */
    gp_trace *g2;     /* batch 1 */
    float *z;         /* [n, latent] */
    float *alpha;     /* [n, c] */
    float *mask;      /* [n, c] of 0/1, or NULL: every code feeds every channel */
    float *dz, *dalpha;
    float *dfeat;     /* [n, c, hw] */
    float *df;        /* [c, hw] */
} gp_composer;

bool gp_composer_init(gp_composer *k, const gp_net *net, int split, int n);
void gp_composer_free(gp_composer *k);
/* Masks the codes by subspace: code t < n-1 feeds the channels c with
 * labels[c] == t / per, code n-1 (the base) all of them; alpha becomes
 * 1/(per+1) where a code feeds, so each channel starts as the mean of
 * its per+1 contributions.  n must be K*per + 1 (the caller sized the
 * composer so; a mismatch is a bug, caught by an assertion).  False
 * when memory runs out. */
bool gp_composer_mask_subspaces(gp_composer *k, const int *labels, int subspaces, int per);
/* Generates from the current z and alpha; returns the image [3, H, W]. */
const float *gp_composer_forward(gp_composer *k);
/* dx: gradient at the image.  Writes dz and dalpha. */
void gp_composer_backward(gp_composer *k, const float *dx);

#endif
