"""Image scores: PSNR, SSIM, CIE Lab chroma errors, luma fidelity.

All take uint8 [H, W, 3] RGB images (what every method writes, so the
8-bit rounding is part of the result, as it was for the peer figures)
and compute in float64.
"""
import numpy as np
from scipy.ndimage import gaussian_filter

# Rec. 601 luma, as PIL's convert("L") and the engine's colorize use.
LUMA = np.array([0.299, 0.587, 0.114])
AUC_THRESHOLDS = np.arange(0, 151)  # Zhang et al. 2016: t = 0..150, step 1


def psnr(out, ref, where=None):
    """PSNR (dB, peak 255) over all channels of the pixels where `where`
    (bool [H, W]) is set, or of the whole image; inf when identical."""
    d = out.astype(np.float64) - ref.astype(np.float64)
    if where is not None:
        d = d[where]
    mse = np.mean(d * d)
    return np.inf if mse == 0 else 10.0 * np.log10(255.0 ** 2 / mse)


def ssim_map(out, ref):
    """Per-pixel SSIM (Wang et al. 2004: Gaussian window sigma 1.5, 11 taps,
    K1 0.01, K2 0.03, range 255), averaged over the RGB channels."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    maps = []
    for c in range(3):
        x, y = out[..., c].astype(np.float64), ref[..., c].astype(np.float64)

        def blur(a):
            return gaussian_filter(a, 1.5, truncate=3.5, mode="reflect")

        mx, my = blur(x), blur(y)
        vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
        maps.append((2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2)))
    return np.mean(maps, axis=0)


def ssim(out, ref, where=None):
    """Mean SSIM over `where`, or over the image less the 5-pixel border
    the 11-tap window overhangs (as scikit-image does)."""
    m = ssim_map(out, ref)
    return float(m[where].mean()) if where is not None else float(m[5:-5, 5:-5].mean())


def srgb_to_lab(rgb):
    """uint8 sRGB -> CIE L*a*b* (D65 white), float64 [H, W, 3]."""
    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    d = 6.0 / 29.0
    f = np.where(xyz > d ** 3, np.cbrt(xyz), xyz / (3 * d * d) + 4.0 / 29.0)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def chroma_scores(out, ref):
    """{auc, a_mae, b_mae}: Zhang et al.'s AuC (the share of pixels whose
    Euclidean a*b* error is <= t, averaged over t = 0..150, so in [0, 1])
    and the mean absolute a* and b* errors."""
    lo, lr = srgb_to_lab(out), srgb_to_lab(ref)
    da, db = lo[..., 1] - lr[..., 1], lo[..., 2] - lr[..., 2]
    err = np.hypot(da, db).ravel()
    auc = np.mean([(err <= t).mean() for t in AUC_THRESHOLDS])
    return {"auc": float(auc), "a_mae": float(np.abs(da).mean()), "b_mae": float(np.abs(db).mean())}


def luma_psnr(out, gray_input):
    """PSNR of out's Rec. 601 luma (unrounded) against the gray input's:
    inf when a colorization left the luminance untouched."""
    return psnr(out.astype(np.float64) @ LUMA, gray_input.astype(np.float64) @ LUMA)
