"""The generator and discriminator the default face model is trained with.

The generator is the genforce PGGAN layout the engine loads (models/
pggan_reference.py builds it; models/convert_pggan.py converts it), driven
here at a level of detail `level` (0 = 4 px, L = 4·2^L px) with a fade-in
weight `alpha` between the previous level's toRGB head and the new one, as
progressive growing does.  Once training has grown past a level only the
last head is used, so the converted file renders exactly what was trained.

The discriminator mirrors it: a fromRGB 1x1 head per level, two 3x3
convolutions and a 2x2 average pool per level, and at 4x4 a minibatch
standard-deviation channel, a 3x3 convolution and two dense layers.  Every
weight uses the equalised learning rate (stored N(0, 1), scaled by
gain/sqrt(fan_in) at run time).
"""
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pggan_reference import PGGANGenerator  # noqa: E402


def init_equalised(module):
    """Weights N(0, 1) and biases 0: the equalised-learning-rate start."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            else:
                p.normal_()
    return module


class Generator(PGGANGenerator):
    """PGGANGenerator with a growing forward: render(z, level, alpha)."""

    def render(self, z, level, alpha=1.0):
        x = z.view(z.shape[0], self.latent, 1, 1)
        prev = None
        for i in range(level + 1):
            if i == level:
                prev = x
            x = getattr(self, f"layer{2 * i + 1}")(getattr(self, f"layer{2 * i}")(x))
        img = getattr(self, f"output{level}")(x)
        if alpha < 1.0 and level > 0:
            low = getattr(self, f"output{level - 1}")(prev)
            img = torch.lerp(F.interpolate(low, scale_factor=2, mode="nearest"), img, alpha)
        return img


class EqConv(nn.Module):
    def __init__(self, cin, cout, k, gain=math.sqrt(2.0)):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin, k, k))
        self.bias = nn.Parameter(torch.empty(cout))
        self.scale, self.pad = gain / math.sqrt(cin * k * k), k // 2

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.pad)


class EqLinear(nn.Module):
    def __init__(self, cin, cout, gain=math.sqrt(2.0)):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin))
        self.bias = nn.Parameter(torch.empty(cout))
        self.scale = gain / math.sqrt(cin)

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias)


def lrelu(x):
    return F.leaky_relu(x, 0.2)


def minibatch_stddev(x, group=4):
    """Appends one channel: the mean over features of the standard deviation
    across a group of samples (PGGAN), so D sees the batch's variety."""
    b, c, h, w = x.shape
    g = min(group, b)
    while b % g:
        g -= 1
    y = x.reshape(g, -1, c, h, w)
    y = (y - y.mean(0)).pow(2).mean(0).add(1e-8).sqrt()
    y = y.mean(dim=(1, 2, 3)).view(-1, 1, 1, 1).repeat(g, 1, h, w)
    return torch.cat([x, y], 1)


class Discriminator(nn.Module):
    """channels[i] is the width at 4·2^i px, as the generator's."""

    def __init__(self, channels):
        super().__init__()
        self.levels = len(channels)
        for i, nf in enumerate(channels):
            self.add_module(f"from_rgb{i}", EqConv(3, nf, 1))
            if i > 0:
                self.add_module(f"conv{i}a", EqConv(nf, nf, 3))
                self.add_module(f"conv{i}b", EqConv(nf, channels[i - 1], 3))
        c = channels[0]
        self.final_conv = EqConv(c + 1, c, 3)
        self.final_dense = EqLinear(c * 16, c)
        self.logit = EqLinear(c, 1, gain=1.0)

    def block(self, i, h):
        h = lrelu(getattr(self, f"conv{i}b")(lrelu(getattr(self, f"conv{i}a")(h))))
        return F.avg_pool2d(h, 2)

    def forward(self, img, level, alpha=1.0):
        h = lrelu(getattr(self, f"from_rgb{level}")(img))
        if level > 0:
            h = self.block(level, h)
            if alpha < 1.0:
                low = lrelu(getattr(self, f"from_rgb{level - 1}")(F.avg_pool2d(img, 2)))
                h = torch.lerp(low, h, alpha)
        for i in range(level - 1, 0, -1):
            h = self.block(i, h)
        h = lrelu(self.final_conv(minibatch_stddev(h)))
        h = lrelu(self.final_dense(h.flatten(1)))
        return self.logit(h)


def build(latent, channels):
    """A fresh generator / discriminator pair."""
    return (init_equalised(Generator(latent, channels)),
            init_equalised(Discriminator(channels)))
