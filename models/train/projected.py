"""A projected discriminator (Sauer et al. 2021, Projected GAN): D judges
images through a frozen network pretrained on ImageNet, so it need not
learn what an image is from 21k faces, and G gets useful gradients from the
first step.  Projected GAN reports up to 40x faster convergence.

The feature network is Darknet-tiny (../shared/models/perceptual, MIT), not
SqueezeNet: the quality curve (fid.py) and the inversion's perceptual loss
use SqueezeNet, and a D that looks through it would teach G to please the
measure.  Its activations at four depths (64, 32, 16 and 8 px for a 128 px
image) pass through fixed random projections, as the paper's cross-channel
(1x1) and cross-scale (top-down, upsampled and added) mixing do, so that D
cannot lean on a few dominant features; then one small trained head per
depth (stride-2 4x4 convolutions with spectral norm, batch norm and
LeakyReLU down to 4x4, then a 4x4 logit) gives a logit per head.

The frozen parts are buffers, not parameters: the trainer's
requires_grad_(True) and D's optimiser leave them alone.  Darknet's weights
are read from ../shared at construction and not checkpointed; the random
projections are.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DARKNET = os.path.join(HERE, "..", "..", "..", "shared", "models", "perceptual", "darknet-tiny")
DEPTH = 14                 # Darknet convolutions used (of 16; 15-16 are the classifier)
POOL_AFTER = (1, 2, 6, 10)  # 2x2 max pools follow these convolutions
TAPS = (2, 6, 10, 14)      # D sees these convolutions' activations
MIX = (32, 64, 128, 256)   # channels of each tap after the random 1x1 mixing
HEAD_MAX = 128             # widest head convolution
RES = 128                  # images are judged at this size


def read_tfjs(folder):
    """{name: float32 array} of a TensorFlow.js layers model's weights, and
    its layer configs."""
    with open(os.path.join(folder, "model.json")) as f:
        model = json.load(f)
    arrays = {}
    for group in model["weightsManifest"]:
        blob = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            if w["dtype"] != "float32":
                raise ValueError(f"{w['name']}: {w['dtype']} weights are not supported")
            n = int(np.prod(w["shape"]))
            arrays[w["name"]] = np.frombuffer(blob, np.float32, n, offset).reshape(w["shape"])
            offset += 4 * n
    return arrays, model["modelTopology"]["model_config"]["config"]["layers"]


def darknet_convs(folder=DARKNET, depth=DEPTH):
    """[(weight OIHW, bias)] of Darknet-tiny's first `depth` convolutions with
    their inference-mode batch norm folded in."""
    arrays, layers = read_tfjs(folder)
    eps = {l["config"]["name"]: l["config"]["epsilon"] for l in layers
           if l["class_name"] == "BatchNormalization"}
    convs = []
    for i in range(1, depth + 1):
        bn = f"batch_normalization_{i}"
        scale = arrays[bn + "/gamma"] / np.sqrt(arrays[bn + "/moving_variance"] + eps[bn])
        kernel = arrays[f"conv2d_{i}/kernel"].transpose(3, 2, 0, 1) * scale.reshape(-1, 1, 1, 1)
        bias = arrays[bn + "/beta"] - arrays[bn + "/moving_mean"] * scale
        convs.append((torch.from_numpy(np.ascontiguousarray(kernel)), torch.from_numpy(bias.copy())))
    return convs


class SpectralConv(nn.Module):
    """A convolution whose weight is divided by its largest singular value,
    estimated by one power iteration per training forward: what
    nn.utils.spectral_norm does, with its state names, but in float32
    outside autocast.  Under bf16 autocast PyTorch 1.13's hook ran each
    matrix-vector product in ~4 ms on the CPU, 14 % of a step."""

    def __init__(self, cin, cout, k, stride=1, pad=0, bias=True):
        super().__init__()
        self.stride, self.pad = stride, pad
        # bias first: the parameter order of spectral_norm(nn.Conv2d), which
        # optimiser states in checkpoints follow
        bound = 1 / math.sqrt(cin * k * k)
        self.bias = nn.Parameter(torch.empty(cout).uniform_(-bound, bound)) if bias else None
        self.weight_orig = nn.Parameter(torch.empty(cout, cin, k, k))
        nn.init.kaiming_uniform_(self.weight_orig, a=math.sqrt(5))   # nn.Conv2d's start
        self.register_buffer("weight_u", F.normalize(torch.randn(cout), dim=0))
        self.register_buffer("weight_v", F.normalize(torch.randn(cin * k * k), dim=0))

    def forward(self, x):
        with torch.autocast(x.device.type, enabled=False):
            mat = self.weight_orig.float().flatten(1)
            if self.training:
                with torch.no_grad():
                    self.weight_v.copy_(F.normalize(mat.t() @ self.weight_u, dim=0))
                    self.weight_u.copy_(F.normalize(mat @ self.weight_v, dim=0))
            # copies: the buffers change again before this graph's backward
            sigma = torch.dot(self.weight_u.clone(), mat @ self.weight_v.clone())
        return F.conv2d(x, self.weight_orig / sigma, self.bias, self.stride, self.pad)


def head(cin, res):
    """Stride-2 blocks from res down to 4 px, then a 4x4 logit."""
    layers, c = [], cin
    while res > 4:
        cout = min(2 * c, HEAD_MAX)
        layers += [SpectralConv(c, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2)]
        c, res = cout, res // 2
    layers.append(SpectralConv(c, 1, 4))
    return nn.Sequential(*layers)


class ProjectedDiscriminator(nn.Module):
    """D(img, level, alpha) -> [n, heads] logits; img RGB in [-1, 1], any
    size (resampled to 128 px); level and alpha are accepted for the
    trainer's interface and unused."""

    def __init__(self, darknet=DARKNET):
        super().__init__()
        convs = darknet_convs(darknet)
        for i, (w, b) in enumerate(convs, 1):
            self.register_buffer(f"dark{i}_w", w, persistent=False)
            self.register_buffer(f"dark{i}_b", b, persistent=False)
        widths = [convs[t - 1][0].shape[0] for t in TAPS]
        for i, (cin, cout) in enumerate(zip(widths, MIX)):
            self.register_buffer(f"mix{i}", self.random_projection(cout, cin))
            if i + 1 < len(MIX):   # cross-scale: the deeper mix brought to this one's width
                self.register_buffer(f"up{i}", self.random_projection(cout, MIX[i + 1]))
            self.add_module(f"head{i}", head(cout, RES >> (i + 1)))

    @staticmethod
    def random_projection(cout, cin):
        """A fixed 1x1 convolution with Kaiming-uniform weights."""
        w = torch.empty(cout, cin, 1, 1)
        nn.init.kaiming_uniform_(w, a=1.0)
        return w

    def features(self, img):
        x = (img + 1) / 2           # Darknet takes RGB in [0, 1]
        taps = []
        for i in range(1, DEPTH + 1):
            w = getattr(self, f"dark{i}_w")
            x = F.leaky_relu(F.conv2d(x, w, getattr(self, f"dark{i}_b"), padding=w.shape[-1] // 2), 0.1)
            if i in TAPS:
                taps.append(x)
            if i in POOL_AFTER:
                x = F.max_pool2d(x, 2)
        return taps

    def forward(self, img, level=None, alpha=1.0):
        if img.shape[-1] != RES:
            img = F.interpolate(img, size=RES, mode="bilinear", align_corners=False)
        mixed = [F.conv2d(t, getattr(self, f"mix{i}")) for i, t in enumerate(self.features(img))]
        for i in range(len(mixed) - 2, -1, -1):
            deeper = F.interpolate(mixed[i + 1], scale_factor=2, mode="bilinear", align_corners=False)
            mixed[i] = mixed[i] + F.conv2d(deeper, getattr(self, f"up{i}"))
        return torch.cat([getattr(self, f"head{i}")(m).flatten(1) for i, m in enumerate(mixed)], 1)
