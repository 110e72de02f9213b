#!/usr/bin/python3
"""Times one multi-code inversion iteration in PyTorch on this CPU.

The same work as the engine's iteration: a PGGAN generator with frozen
random weights, 20 codes composed at a split with per-channel importances,
MSE to a target, backward to the codes and importances, one Adam step.
--shape pggan256 (bench_engine.c): 256 px, latent 512, channels 512 up to
32x32, then 256, 128, 64, split at layer 8.  --shape default
(bench_model.c): the default face model's shape, 128 px, latent 256,
channels 256,256,128,64,32,16, split where its 16x16 map enters the 32 px
block (layer 6).  Prints the median seconds per iteration.
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F


def pixel_norm(x):
    return x / torch.sqrt(torch.mean(x * x, dim=1, keepdim=True) + 1e-8)


class Block(torch.nn.Module):
    """pixel-norm, [up-sample], conv with equalised-lr scale, bias, act."""

    def __init__(self, cin, cout, k, pad, up, gain=math.sqrt(2.0), act=True):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(cout, cin, k, k), requires_grad=False)
        self.bias = torch.nn.Parameter(torch.zeros(cout), requires_grad=False)
        self.scale, self.pad, self.up, self.act = gain / math.sqrt(cin * k * k), pad, up, act

    def forward(self, x):
        x = pixel_norm(x)
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.conv2d(x, self.weight * self.scale, padding=self.pad) + self.bias.view(1, -1, 1, 1)
        return F.leaky_relu(x, 0.2) if self.act else x


SHAPES = {  # channels per resolution from 4 px, latent, split layer
    "pggan256": ([512, 512, 512, 512, 256, 128, 64], 512, 8),
    "default": ([256, 256, 128, 64, 32, 16], 256, 6),
}


def pggan(ch, latent):
    blocks, prev = [], latent
    for i, nf in enumerate(ch):
        blocks.append(Block(prev, nf, 4 if i == 0 else 3, 3 if i == 0 else 1, i > 0))
        blocks.append(Block(nf, nf, 3, 1, False))
        prev = nf
    blocks.append(Block(prev, 3, 1, 0, False, gain=1.0, act=False))
    return torch.nn.Sequential(*blocks)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--iterations", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--shape", choices=sorted(SHAPES), default="pggan256")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    ch, latent, split = SHAPES[args.shape]
    g = pggan(ch, latent).eval()
    g1, g2 = g[:split], g[split:]
    res = 4 << (len(ch) - 1)
    target = torch.rand(1, 3, res, res) * 2 - 1
    z = torch.randn(20, latent, 1, 1, requires_grad=True)
    with torch.no_grad():
        width = g1(z[:1]).shape[1]
    alpha = torch.full((20, width, 1, 1), 1 / 20, requires_grad=True)
    opt = torch.optim.Adam([z, alpha], lr=0.05)
    times = []
    for _ in range(args.iterations + 1):
        t0 = time.perf_counter()
        opt.zero_grad()
        f = (g1(z) * alpha).sum(0, keepdim=True)
        loss = F.mse_loss(g2(f), target)
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    times = sorted(times[1:])  # the first call pays one-time set-up
    print(f"pytorch {torch.__version__}: {args.shape}, 20 codes, split at layer {split}: "
          f"{times[len(times) // 2]:.3f} s per iteration (median of {len(times)}, {args.threads} threads)")


if __name__ == "__main__":
    main()
