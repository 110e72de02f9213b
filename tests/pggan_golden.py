"""Writes the golden data the PGGAN test compares the engine against.

Loads a genforce-style `.pth` into the independent PyTorch reference
(models/pggan_reference.py), draws fixed latents z and a fixed weighting r,
and stores z, G(z), r and dL/dz for L = sum(r * G(z)), computed in float64
so the reference itself adds no rounding error worth mentioning.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import pggan_reference  # noqa: E402
import safetensors_io  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pth")
    ap.add_argument("output")
    ap.add_argument("--count", type=int, default=3, help="latents in the batch")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    sd = torch.load(a.pth, map_location="cpu")
    latent = sd["layer0.conv.weight"].shape[1]
    channels = []
    while f"layer{2 * len(channels)}.conv.weight" in sd:
        channels.append(sd[f"layer{2 * len(channels)}.conv.weight"].shape[0])
    g = pggan_reference.PGGANGenerator(latent, channels)
    g.load_state_dict(sd)
    g = g.double().eval()
    gen = torch.Generator().manual_seed(a.seed)
    z = torch.randn(a.count, latent, generator=gen).float().double().requires_grad_(True)
    y = g(z)
    r = torch.randn(y.shape, generator=gen, dtype=torch.float32).double()
    (y * r).sum().backward()
    safetensors_io.write(a.output, {"z": z.detach().numpy(), "y": y.detach().numpy(),
                                    "r": r.numpy(), "dz": z.grad.numpy()})


if __name__ == "__main__":
    main()
