"""Fréchet distance between SqueezeNet-v1.1 pooled features (the mean of
fire9's 512 channels) of generated and real faces: the default model's
quality curve.  SqueezeNet here is the network the project ships
(models/squeezenet1.1.safetensors), run in PyTorch.

Images are compared at the generator's resolution: real faces are box-reduced
to it, and both sides are enlarged bilinearly to 128 px for the network, so a
64 px model is not charged for lacking detail it cannot have.

    /usr/bin/python3 models/train/fid.py --run RUN_DIR [--samples 5000]
    /usr/bin/python3 models/train/fid.py --floor --res 64 [--run RUN_DIR]   # 5,000 training faces
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from scipy import linalg

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import faces  # noqa: E402
import safetensors_io  # noqa: E402

SQUEEZENET = os.path.join(HERE, "..", "squeezenet1.1.safetensors")
CAFFE_MEAN_BGR = torch.tensor([103.939, 116.779, 123.68]).view(1, 3, 1, 1)


class SqueezeNet:
    def __init__(self, path=SQUEEZENET, device="cpu"):
        tensors, _ = safetensors_io.read(path)
        self.w = {k: torch.from_numpy(v).to(device) for k, v in tensors.items()}
        self.mean = CAFFE_MEAN_BGR.to(device)

    def conv(self, x, name, stride=1, pad=0):
        return F.relu(F.conv2d(x, self.w[name + ".weight"], self.w[name + ".bias"], stride=stride, padding=pad))

    def pooled(self, img):
        """img [n, 3, h, w] RGB in [-1, 1] -> [n, 512]."""
        x = (img.to(self.mean.device).flip(1) + 1) * 127.5 - self.mean
        h = self.conv(x, "conv1", stride=2)
        for i in range(2, 10):
            if i in (2, 4, 6):
                h = F.max_pool2d(h, 3, 2)
            s = self.conv(h, f"fire{i}.squeeze")
            h = torch.cat([self.conv(s, f"fire{i}.expand1x1"), self.conv(s, f"fire{i}.expand3x3", pad=1)], 1)
        return h.mean(dim=(2, 3))


def at_resolution(img, res):
    """[n, 3, s, s] in [-1, 1] -> seen at res px, enlarged to 128 for the network."""
    if img.shape[-1] > res:
        img = F.avg_pool2d(img, img.shape[-1] // res)
    if img.shape[-1] != 128:
        img = F.interpolate(img, size=128, mode="bilinear", align_corners=False)
    return img


def features(net, batches, res):
    out = []
    with torch.no_grad():
        for b in batches:
            out.append(net.pooled(at_resolution(b.float(), res)).double().cpu().numpy())
    return np.concatenate(out)


def uint8_batches(data, batch=100):
    for i in range(0, data.shape[0], batch):
        yield torch.from_numpy(data[i:i + batch]).float() / 127.5 - 1.0


def frechet(a, b):
    mu_a, mu_b = a.mean(0), b.mean(0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root, _ = linalg.sqrtm(ca @ cb, disp=False)
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(ca + cb - 2 * root.real))


def real_features(net, data_dir, res, cache_dir=None):
    """Features of the 1,000 held-out faces at res (cached: they never change)."""
    cache = cache_dir and os.path.join(cache_dir, f"fid-test-{res}.npy")
    if cache and os.path.exists(cache):
        return np.load(cache)
    f = features(net, uint8_batches(faces.load_test(data_dir)), res)
    if cache:
        np.save(cache, f)
    return f


def generator_features(net, render, latent, res, count, seed=123, batch=50):
    """Features of `count` samples of render(z) for z ~ N(0, I) from `seed`."""
    g = torch.Generator().manual_seed(seed)
    zs = (torch.randn(min(batch, count - i), latent, generator=g) for i in range(0, count, batch))
    return features(net, (render(z).clamp(-1, 1) for z in zs), res)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", help="training run folder: its EMA generator at the level reached")
    ap.add_argument("--floor", action="store_true", help="5,000 training faces instead of samples")
    ap.add_argument("--res", type=int, default=None, help="resolution for --floor")
    ap.add_argument("--samples", type=int, default=5000)
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data", "faces128"))
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    net = SqueezeNet()
    if a.floor:
        cache = os.path.join(a.run, "train-faces.npy") if a.run else None
        train = faces.load(a.data, faces.TRAIN_SHARDS, cache)[:a.samples]
        fake = features(net, uint8_batches(train), a.res)
        res, what = a.res, f"{train.shape[0]} training faces"
    else:
        import train_gan
        G, level, alpha, nimg = train_gan.load_ema(a.run)
        res, what = 4 << level, f"{a.samples} samples at {nimg / 1000:.1f} kimg"
        fake = generator_features(net, lambda z: G.render(z, level, alpha), G.latent, res, a.samples)
    real = real_features(net, a.data, res, a.run)
    print(json.dumps({"fid_squeezenet": round(frechet(fake, real), 3), "res": res, "what": what,
                      "real": "1,000 held-out faces"}))


if __name__ == "__main__":
    main()
