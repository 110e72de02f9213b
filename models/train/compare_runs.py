"""Two checks of training runs that do not look through an ImageNet network,
for comparing recipes whose discriminator does (a projected D lowers the
SqueezeNet distance of fid.py more than it improves the pictures):

- SWD: the sliced Wasserstein distance between 7x7 patches of the
  Laplacian pyramids of EMA samples and of the held-out faces, per band
  (128, 64, 32, 16 px), x 10^3, as PGGAN's paper measures;
- inversion: single-code Adam on z with a pixel loss, the first held-out
  faces, mean PSNR after 100 and 300 steps: how close the generator's
  range comes to real faces.

    /usr/bin/python3 models/train/compare_runs.py RUN_A RUN_B [--train-floor]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import faces  # noqa: E402
import train_gan  # noqa: E402

BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0])
KERNEL = (BINOMIAL[:, None] * BINOMIAL[None, :] / 256).expand(3, 1, 5, 5)
BANDS = 4


def blur(x):
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), KERNEL, groups=3)


def down(x):
    return blur(x)[..., ::2, ::2]


def up(x):
    y = torch.zeros(x.shape[0], 3, x.shape[2] * 2, x.shape[3] * 2)
    y[..., ::2, ::2] = x * 4
    return blur(y)


def patches(imgs, seed, per_image=64):
    """Per band, [n·per_image, 147] random 7x7 patches of the Laplacian
    pyramid (the last band is the low-pass residual)."""
    rng = np.random.default_rng(seed)
    out = [[] for _ in range(BANDS)]
    for i in range(0, imgs.shape[0], 100):
        g = imgs[i:i + 100]
        for band in range(BANDS):
            low = down(g)
            p = F.unfold(g - up(low) if band < BANDS - 1 else g, 7)
            idx = torch.from_numpy(rng.integers(0, p.shape[2], (p.shape[0], per_image)))
            out[band].append(torch.gather(p, 2, idx[:, None, :].expand(-1, p.shape[1], -1))
                             .permute(0, 2, 1).reshape(-1, p.shape[1]))
            g = low
    return [torch.cat(o).double().numpy() for o in out]


def swd(real, fake, seed=2, directions=512, repeats=4):
    """Both sets normalised by the reals' per-dimension statistics."""
    rng = np.random.default_rng(seed)
    mean, std = real.mean(0), real.std(0) + 1e-8
    real, fake = (real - mean) / std, (fake - mean) / std
    dists = []
    for _ in range(repeats):
        d = rng.standard_normal((real.shape[1], directions))
        d /= np.linalg.norm(d, axis=0)
        dists.append(np.abs(np.sort(real @ d, 0) - np.sort(fake @ d, 0)).mean())
    return 1e3 * float(np.mean(dists))


def samples(G, level, alpha, count, seed=123):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        return torch.cat([G.render(torch.randn(min(100, count - i), G.latent, generator=g), level, alpha)
                          .clamp(-1, 1) for i in range(0, count, 100)])


def inversion_psnr(G, level, alpha, targets, steps=(100, 300), lr=0.05):
    G.requires_grad_(False)
    z = torch.randn(targets.shape[0], G.latent, generator=torch.Generator().manual_seed(5)).requires_grad_(True)
    opt = torch.optim.Adam([z], lr=lr)
    out = {}
    for it in range(max(steps) + 1):
        y = G.render(z, level, alpha)
        loss = (y - targets).pow(2).mean(dim=(1, 2, 3))
        if it in steps:
            mse = ((y.detach().clamp(-1, 1) - targets) / 2).pow(2).mean(dim=(1, 2, 3))
            psnr = 10 * torch.log10(1 / mse)
            out[it] = (psnr.mean().item(), psnr.std().item() / len(psnr) ** 0.5)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="*", help="run folders (their checkpoint's EMA generator)")
    ap.add_argument("--data", default=train_gan.DEFAULT_DATA)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--faces", type=int, default=16, help="held-out faces to invert")
    ap.add_argument("--train-floor", action="store_true", help="also: training faces against held-out")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    held_out = torch.from_numpy(faces.load_test(a.data)).float() / 127.5 - 1
    real = patches(held_out[:a.samples], seed=0)
    if a.train_floor:
        train = faces.load(a.data, faces.TRAIN_SHARDS)[:a.samples]
        fake = patches(torch.from_numpy(train).float() / 127.5 - 1, seed=1)
        print("training faces: SWD", [round(swd(r, f), 1) for r, f in zip(real, fake)], flush=True)
    for run in a.runs:
        G, level, alpha, nimg = train_gan.load_ema(run)
        if 4 << level != held_out.shape[-1]:
            raise SystemExit(f"{run}: {4 << level} px; these checks compare at {held_out.shape[-1]} px")
        fake = patches(samples(G, level, alpha, a.samples), seed=1)
        inv = inversion_psnr(G, level, alpha, held_out[:a.faces])
        print(f"{run} at {nimg / 1000:.1f} kimg: SWD at 128/64/32/16 px",
              [round(swd(r, f), 1) for r, f in zip(real, fake)],
              "; inversion PSNR " + ", ".join(f"{m:.2f} ± {s:.2f} dB after {k}" for k, (m, s) in inv.items()),
              flush=True)


if __name__ == "__main__":
    main()
