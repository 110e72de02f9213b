"""Reference outputs of the third-party generators, for test_thirdparty.

Each generator is re-implemented here from its NOTES.md, independently of
the converters: the PyTorch DCGAN as the nn.Module of the Udacity notebook
(loaded with load_state_dict(strict=True)), the Keras models in float64
numpy in Keras's own NHWC layout straight from the HDF5 arrays (no layout
conversion to share with models/convert_keras.py).  Writes fixed latents z
and the outputs y (NCHW) to a safetensors file.
"""
import argparse
import os
import sys

import h5py
import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import safetensors_io  # noqa: E402


class UdacityGenerator(nn.Module):
    """dlnd_face_generation.ipynb's Generator (conv_dim 32), optionally with
    the batch_norm_fc + ReLU of generator40.pt (inferred in NOTES.md)."""

    def __init__(self, bn_fc):
        super().__init__()
        self.fc = nn.Linear(100, 128 * 4 * 4)
        self.batch_norm_fc = nn.BatchNorm2d(128) if bn_fc else None
        self.t_conv1 = nn.Sequential(nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64))
        self.t_conv2 = nn.Sequential(nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False), nn.BatchNorm2d(32))
        self.t_conv3 = nn.Sequential(nn.ConvTranspose2d(32, 3, 4, 2, 1, bias=False))

    def forward(self, z):
        x = self.fc(z).view(-1, 128, 4, 4)
        if self.batch_norm_fc is not None:
            x = torch.relu(self.batch_norm_fc(x))
        x = torch.relu(self.t_conv1(x))
        x = torch.relu(self.t_conv2(x))
        return torch.tanh(self.t_conv3(x))


def celeba(path, z):
    sd = torch.load(path, map_location="cpu")
    g = UdacityGenerator("batch_norm_fc.weight" in sd)
    g.load_state_dict(sd, strict=True)
    with torch.no_grad():
        return g.double().eval()(torch.from_numpy(z)).numpy()


def h5_weights(path):
    """{layer name: {role: float64 array}} from model_weights."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                parts = name.split("/")
                out.setdefault(parts[-2], {})[parts[-1].replace(":0", "")] = obj[()].astype(np.float64)
        f["model_weights"].visititems(visit)
    return out


def conv_same(x, k, b):
    """Keras Conv2D 'same', stride 1, NHWC x, HWIO k."""
    kh, kw = k.shape[:2]
    n, h, w, _ = x.shape
    xp = np.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    y = np.zeros((n, h, w, k.shape[3]))
    for i in range(kh):
        for j in range(kw):
            y += xp[:, i:i + h, j:j + w, :] @ k[i, j]
    return y + b


def conv_transpose_same_s2(x, k, b):
    """Keras Conv2DTranspose(k3, s2, 'same'), NHWC x, kernel (kh, kw, out, in):
    every input pixel scatters k[i, j] @ x to output (2y + i, 2x + j); the
    full (2H+1)-sized result is cut to its first 2H rows and columns."""
    n, h, w, _ = x.shape
    kh, kw = k.shape[:2]
    full = np.zeros((n, 2 * (h - 1) + kh, 2 * (w - 1) + kw, k.shape[2]))
    for i in range(kh):
        for j in range(kw):
            full[:, i:i + 2 * h:2, j:j + 2 * w:2, :] += x @ k[i, j].T
    return full[:, :2 * h, :2 * w, :] + b


def batchnorm(x, p, eps):
    return (x - p["moving_mean"]) / np.sqrt(p["moving_variance"] + eps) * p["gamma"] + p["beta"]


def anime(path, z):
    """Dense -> Reshape(4,4,256) -> BN -> 4 x [ConvT(k3,s2,same) (+BN)], NOTES.md."""
    w = h5_weights(path)
    x = (z @ w["dense_19"]["kernel"] + w["dense_19"]["bias"]).reshape(-1, 4, 4, 256)
    for bn, ct in ((45, 39), (46, 40), (47, 41), (48, 42)):
        x = batchnorm(x, w[f"batch_normalization_{bn}"], 1e-3)
        x = conv_transpose_same_s2(x, w[f"conv2d_transpose_{ct}"]["kernel"], w[f"conv2d_transpose_{ct}"]["bias"])
        x = np.tanh(x) if ct == 42 else np.maximum(x, 0)
    return x.transpose(0, 3, 1, 2)


def cats(path, z):
    """Dense -> Reshape(8,8,8) -> Conv5+LReLU, 3 x [Up2, Conv5+LReLU], Conv5(3)+LReLU."""
    w = h5_weights(path)
    lrelu = lambda v: np.where(v > 0, v, 0.2 * v)  # noqa: E731
    x = (z @ w["dense_2"]["kernel"] + w["dense_2"]["bias"]).reshape(-1, 8, 8, 8)
    for i in range(7, 12):
        if i in (8, 9, 10):
            x = x.repeat(2, axis=1).repeat(2, axis=2)
        x = lrelu(conv_same(x, w[f"conv2d_{i}"]["kernel"], w[f"conv2d_{i}"]["bias"]))
    return x.transpose(0, 3, 1, 2)


MODELS = {"celeba": (celeba, 100, "uniform"), "anime": (anime, 100, "normal"),
          "cats": (cats, 512, "normal")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("input", help="the third-party generator file")
    ap.add_argument("output", help="reference .safetensors (z, y)")
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    fn, latent, dist = MODELS[a.model]
    rng = np.random.default_rng(a.seed)
    z = rng.uniform(-1, 1, (a.count, latent)) if dist == "uniform" else rng.standard_normal((a.count, latent))
    z = z.astype(np.float32).astype(np.float64)
    safetensors_io.write(a.output, {"z": z, "y": fn(a.input, z)})


if __name__ == "__main__":
    main()
