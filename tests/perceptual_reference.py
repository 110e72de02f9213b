"""Reference values of the SqueezeNet v1.1 perceptual loss, for
test_perceptual.

An independent float64 PyTorch implementation of the loss of
engine/loss/perceptual.c, written from its description, not from the engine or
the converter: the raw OIHW arrays of the shared `.f32` file are read by
their manifest; an image [3, h, w] RGB in [lo, hi] becomes BGR 0..255 minus
the Caffe mean (103.939, 116.779, 123.68); SqueezeNet v1.1 (conv1 3x3/2 +
ReLU, max-pool 3/2 floor mode, fire2, fire3, pool, fire4, fire5, pool,
fire6 .. fire9) gives features phi_t at the seven LPIPS "squeeze" taps
(after relu1, fire3, fire5, fire6, fire7, fire8, fire9), and

    loss(x, y) = sum_t sum|phi_t(x) - phi_t(y)| / (sum|phi_t(y)| + 1e-6 n_t)

with n_t the element count of tap t.  dloss/dx comes from torch autograd.

Writes, for each case c in (a, b): x_c, y_c [3, h, w] (float32-exact),
range_c [lo, hi], loss_c [1] and grad_c [3, h, w].
  a: 128x128, smooth random fields in [-1, 1], range [-1, 1]
  b:  96x80 (h x w), smooth random fields in [0, 1], range [0, 1]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import safetensors_io  # noqa: E402

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
EPS = 1e-6


def load_weights(f32):
    raw = np.fromfile(f32, dtype="<f4").astype(np.float64)
    with open(f32 + ".json") as f:
        manifest = json.load(f)
    return {e["name"]: torch.from_numpy(raw[e["offset_floats"]:e["offset_floats"] + int(np.prod(e["shape"]))]
                                        .reshape(e["shape"])) for e in manifest}


def features(w, img):
    """The seven tap features of a [1, 3, h, w] BGR Caffe-mean input."""
    def conv(x, name, stride=1, pad=0):
        return F.relu(F.conv2d(x, w[name + ".weight_OIHW"], w[name + ".bias"], stride=stride, padding=pad))

    def fire(x, i):
        s = conv(x, f"fire{i}/squeeze1x1")
        return torch.cat([conv(s, f"fire{i}/expand1x1"), conv(s, f"fire{i}/expand3x3", pad=1)], dim=1)

    h = conv(img, "conv1", stride=2)
    taps = [h]
    for i in range(2, 10):
        if i in (2, 4, 6):
            h = F.max_pool2d(h, 3, 2, ceil_mode=False)
        h = fire(h, i)
        if i >= 3 and i != 4:
            taps.append(h)
    return taps


def preprocess(x, lo, hi):
    """[3, h, w] RGB in [lo, hi] -> [1, 3, h, w] BGR 0..255 minus the mean."""
    bgr = x.flip(0)
    mean = torch.tensor(CAFFE_MEAN_BGR, dtype=torch.float64).view(3, 1, 1)
    return ((bgr - lo) * (255.0 / (hi - lo)) - mean).unsqueeze(0)


def loss_and_grad(w, x, y, lo, hi):
    fy = [f.detach() for f in features(w, preprocess(torch.from_numpy(y), lo, hi))]
    xt = torch.from_numpy(x).requires_grad_(True)
    fx = features(w, preprocess(xt, lo, hi))
    loss = sum((a - b).abs().sum() / (b.abs().sum() + EPS * b.numel()) for a, b in zip(fx, fy))
    loss.backward()
    return loss.item(), xt.grad.numpy()


def smooth_field(rng, h, w, cells, lo, hi):
    """A smooth random image [3, h, w] strictly inside (lo, hi), float32-exact."""
    coarse = torch.from_numpy(rng.normal(0.0, 1.0, (1, 3, cells, cells)))
    f = F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=False)[0].numpy()
    f = f + rng.normal(0.0, 0.15, f.shape)  # a little fine texture
    f = np.tanh(f)  # (-1, 1)
    f = lo + (f + 1.0) * 0.5 * (hi - lo)
    return f.astype(np.float32).astype(np.float64)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("f32", help="squeezenet_v1.1_features_OIHW.f32 (manifest beside it)")
    ap.add_argument("output")
    a = ap.parse_args()
    w = load_weights(a.f32)
    rng = np.random.default_rng(20240611)
    out = {}
    for case, (h, wd, lo, hi, cells) in {"a": (128, 128, -1.0, 1.0, 9), "b": (96, 80, 0.0, 1.0, 7)}.items():
        x = smooth_field(rng, h, wd, cells, lo, hi)
        y = smooth_field(rng, h, wd, cells, lo, hi)
        loss, grad = loss_and_grad(w, x, y, lo, hi)
        out.update({f"x_{case}": x, f"y_{case}": y, f"range_{case}": np.array([lo, hi]),
                    f"loss_{case}": np.array([loss]), f"grad_{case}": grad})
        print(f"case {case} [3,{h},{wd}] range [{lo},{hi}]: loss {loss:.9g}, |grad| {np.linalg.norm(grad):.6g}")
    safetensors_io.write(a.output, out)


if __name__ == "__main__":
    main()
