"""Writes two small random discriminators for 16x16 images and the values
the engine must give for them, computed by an independent float64 PyTorch
implementation of engine/loss/discriminator.h's description.

  disc_reference.py CONV.safetensors DENSE.safetensors GOLDEN.safetensors

CONV is fully convolutional: conv 3x3 (3 -> 6, no padding) + ELU, average
pool 2, conv 3x3 (6 -> 4, padding 1) + ELU, conv 1x1 (4 -> 1): a 7x7 logit
grid, which does not divide 16, so the box averaging of the region takes
uneven cells.  It is smooth (ELU), for finite-difference checks.
DENSE is a classic one: conv 3x3 stride 2 padding 1 (3 -> 4) +
LeakyReLU(0.2), then a dense layer to one logit.

For each (c in conv, dense) GOLDEN holds x_c [3, 16, 16] in [-1, 1], the
hole_c [16, 16] (1 = hole), weights_c [global, local], logits_c, and
    loss = wg * mean_j f(l_j) + wl * sum_j rho_j f(l_j) / sum_j rho_j,
    f(l) = softplus(-l)
with rho the hole box-averaged onto the logit grid (cell j of n over S
pixels: [floor(j S / n), max(floor((j + 1) S / n), that + 1))), as
loss_c [hole, whole] (whole: rho = 1) and its gradients dloss/dx from
autograd, grad_hole_c and grad_whole_c.
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

SIZE = 16

CONV = [{"type": "conv2d", "name": "c0", "cin": 3, "cout": 6, "k": 3, "pad": 0},
        {"type": "elu", "alpha": 1.0},
        {"type": "avgpool", "k": 2, "stride": 2},
        {"type": "conv2d", "name": "c1", "cin": 6, "cout": 4, "k": 3, "pad": 1},
        {"type": "elu", "alpha": 1.0},
        {"type": "conv2d", "name": "out", "cin": 4, "cout": 1, "k": 1}]
DENSE = [{"type": "conv2d", "name": "c0", "cin": 3, "cout": 4, "k": 3, "stride": 2, "pad": 1},
         {"type": "lrelu", "slope": 0.2},
         {"type": "dense", "name": "fc", "in": 4 * 8 * 8, "out": [1, 1, 1]}]


def random_weights(layers, rng):
    """float32-exact N(0, 1/fan_in) weights, N(0, 0.1) biases."""
    t = {}
    for layer in layers:
        if layer["type"] == "conv2d":
            shape = (layer["cout"], layer["cin"], layer["k"], layer["k"])
        elif layer["type"] == "dense":
            shape = (int(np.prod(layer["out"])), layer["in"])
        else:
            continue
        fan_in = int(np.prod(shape[1:]))
        t[layer["name"] + ".weight"] = rng.normal(0, 1 / np.sqrt(fan_in), shape).astype(np.float32)
        t[layer["name"] + ".bias"] = rng.normal(0, 0.1, shape[0]).astype(np.float32)
    return t


def forward(layers, w, x):
    """The network on x [1, 3, S, S] in float64."""
    for layer in layers:
        kind = layer["type"]
        if kind == "conv2d":
            x = F.conv2d(x, w[layer["name"] + ".weight"], w[layer["name"] + ".bias"],
                         stride=layer.get("stride", 1), padding=layer.get("pad", 0))
        elif kind == "dense":
            x = F.linear(x.flatten(1), w[layer["name"] + ".weight"], w[layer["name"] + ".bias"])
            x = x.view(1, *layer["out"])
        elif kind == "elu":
            x = F.elu(x, layer["alpha"])
        elif kind == "lrelu":
            x = F.leaky_relu(x, layer["slope"])
        elif kind == "avgpool":
            x = F.avg_pool2d(x, layer["k"], layer["stride"])
    return x


def span(j, n, size):
    lo = j * size // n
    return lo, max((j + 1) * size // n, lo + 1)


def region(hole, h, w):
    """The hole box-averaged onto an h x w grid."""
    rho = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            (y0, y1), (x0, x1) = span(i, h, SIZE), span(j, w, SIZE)
            rho[i, j] = hole[y0:y1, x0:x1].mean()
    return torch.from_numpy(rho)


def loss_and_grad(layers, w, x, rho, wg, wl):
    xt = torch.from_numpy(x).unsqueeze(0).requires_grad_(True)
    f = F.softplus(-forward(layers, w, xt))[0, 0]
    loss = wg * f.mean() + wl * (rho * f).sum() / rho.sum()
    loss.backward()
    return loss.item(), xt.grad[0].numpy()


def case(layers, rng, wg, wl):
    w = random_weights(layers, rng)
    x = rng.uniform(-1, 1, (3, SIZE, SIZE)).astype(np.float32).astype(np.float64)
    hole = np.zeros((SIZE, SIZE))
    hole[4:11, 3:13] = 1.0
    wd = {k: torch.from_numpy(v.astype(np.float64)) for k, v in w.items()}
    logits = forward(layers, wd, torch.from_numpy(x).unsqueeze(0)).detach()[0]
    h, wi = logits.shape[1:]
    lh, gh = loss_and_grad(layers, wd, x, region(hole, h, wi), wg, wl)
    lw, gw = loss_and_grad(layers, wd, x, torch.ones(h, wi, dtype=torch.float64), wg, wl)
    return w, {"x": x, "hole": hole, "weights": np.array([wg, wl]), "logits": logits.numpy(),
               "loss": np.array([lh, lw]), "grad_hole": gh, "grad_whole": gw}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("conv")
    ap.add_argument("dense")
    ap.add_argument("golden")
    a = ap.parse_args()
    rng = np.random.default_rng(20250611)
    golden = {}
    for name, layers, path, (wg, wl) in [("conv", CONV, a.conv, (0.7, 1.3)),
                                         ("dense", DENSE, a.dense, (0.4, 0.9))]:
        weights, ref = case(layers, rng, wg, wl)
        arch = {"family": "sequential", "input": [3, SIZE, SIZE], "layers": layers}
        safetensors_io.write(path, weights, {"ganprior.arch": json.dumps(arch),
                                             "ganprior.name": f"random-test-disc-{name}"})
        golden.update({f"{k}_{name}": v for k, v in ref.items()})
        print(f"{name}: logits {ref['logits'].shape}, loss {ref['loss']}")
    safetensors_io.write(a.golden, golden)


if __name__ == "__main__":
    main()
