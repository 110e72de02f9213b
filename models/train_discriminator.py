"""Trains a discriminator for an existing generator file, for the
adversarial terms of generator tuning (`--tune-adv`, `--tune-adv-local`).

  train_discriminator.py GENERATOR.safetensors REALS OUT.safetensors
                         [--ganprior build/cli/ganprior] [--fakes N] [--steps N] ...

The generator is only sampled, never changed: its fakes come from the
built `ganprior sample --grid 16` (256 images a call, exactly the images
the engine makes, 8-bit like the reals).  REALS is a folder or a tar of
images (JPEG/PNG), each resized with a box filter to the generator's size.
Both are mapped to the generator's value range.  A tenth of each is held
out; the accuracy on them is printed at the end.

The network is fully convolutional: stages of 3x3 conv + LeakyReLU(0.2) +
2x2 average pooling, then a 1x1 conv to one logit map (a patch grid:
size / 2^stages on a side).  The loss is the non-saturating logistic one
(Goodfellow et al. 2014) with the R1 penalty on reals (Mescheder et al.,
"Which Training Methods for GANs do actually Converge?", ICML 2018),
gamma/2 * E|grad_x sum D(x)|^2, and horizontal flips of both classes.
The result is written in the engine's model-file format
(models/README.md, "Discriminators"), named and licensed after the
generator unless told otherwise: a discriminator trained on a
generator's images carries that generator's terms.
"""
import argparse
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import safetensors_io

IMAGE_EXT = (".jpg", ".jpeg", ".png")


def generator_info(cli, model):
    """{name, size, range, licence} of the generator, from `ganprior info`."""
    out = subprocess.run([cli, "info", "--model", model], capture_output=True, text=True, check=True).stdout
    field = dict(re.findall(r"^(\w+):\s*(.*)$", out, re.M))
    size = re.match(r"(\d+) x (\d+)", field["size"])
    lo, hi = (float(v) for v in re.findall(r"-?[\d.]+(?:e-?\d+)?", field["range"]))
    return {"name": field["name"], "size": (int(size.group(1)), int(size.group(2))),
            "range": (lo, hi), "licence": field["licence"]}


def to_range(images, lo, hi):
    """uint8 [n, h, w, 3] -> float32 [n, 3, h, w] in [lo, hi]."""
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float() / 255.0
    return lo + (hi - lo) * x


def sample_fakes(cli, model, count, seed, size):
    """count generator samples (seeds seed, seed + 1, ...) as uint8 arrays."""
    w, h = size
    fakes = []
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "grid.png")
        while len(fakes) < count:
            subprocess.run([cli, "sample", "--model", model, "--seed", str(seed + len(fakes)),
                            "--grid", "16", "-o", png], check=True)
            grid = np.asarray(Image.open(png).convert("RGB"))
            fakes += [grid[r * h:(r + 1) * h, c * w:(c + 1) * w] for r in range(16) for c in range(16)]
    return fakes[:count]


def image_sources(path):
    """(name, bytes) of every image in a folder (sorted) or a tar (in order)."""
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.lower().endswith(IMAGE_EXT):
                with open(os.path.join(path, name), "rb") as f:
                    yield name, f.read()
        return
    with tarfile.open(path) as tar:
        for member in tar:
            if member.isfile() and member.name.lower().endswith(IMAGE_EXT):
                yield member.name, tar.extractfile(member).read()


def load_reals(path, size, limit):
    reals = []
    for _, data in image_sources(path):
        img = Image.open(io.BytesIO(data)).convert("RGB")
        reals.append(np.asarray(img.resize(size, Image.BOX)))
        if limit and len(reals) == limit:
            break
    if not reals:
        sys.exit(f"train_discriminator: no images in {path}")
    return reals


class Discriminator(torch.nn.Module):
    """Stages of conv3x3 + LeakyReLU(0.2) + avgpool2, then a 1x1 conv to
    one logit map; layers() is the same network in the engine's format."""

    def __init__(self, channels):
        super().__init__()
        self.convs = torch.nn.ModuleList()
        cin = 3
        for c in channels:
            self.convs.append(torch.nn.Conv2d(cin, c, 3, padding=1))
            cin = c
        self.logits = torch.nn.Conv2d(cin, 1, 1)

    def forward(self, x):
        for conv in self.convs:
            x = F.avg_pool2d(F.leaky_relu(conv(x), 0.2), 2)
        return self.logits(x)

    def layers(self):
        out = []
        for i, conv in enumerate(self.convs):
            out += [{"type": "conv2d", "name": f"stage{i}.conv", "cin": conv.in_channels,
                     "cout": conv.out_channels, "k": 3, "pad": 1, "bias": True},
                    {"type": "lrelu", "slope": 0.2}, {"type": "avgpool", "k": 2, "stride": 2}]
        out.append({"type": "conv2d", "name": "logits", "cin": self.logits.in_channels, "cout": 1,
                    "k": 1, "bias": True})
        return out

    def tensors(self):
        t = {}
        for i, conv in enumerate(self.convs):
            t[f"stage{i}.conv.weight"] = conv.weight.detach().numpy()
            t[f"stage{i}.conv.bias"] = conv.bias.detach().numpy()
        t["logits.weight"] = self.logits.weight.detach().numpy()
        t["logits.bias"] = self.logits.bias.detach().numpy()
        return t


def flip_some(x, gen):
    """Each image mirrored left-right with probability 1/2."""
    flip = torch.rand(x.shape[0], generator=gen) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)


def step_loss(d, real, fake, gamma):
    """Non-saturating logistic loss over every logit, plus R1 on the reals."""
    real = real.detach().requires_grad_(True)
    lr, lf = d(real), d(fake)
    loss = F.softplus(-lr).mean() + F.softplus(lf).mean()
    grad, = torch.autograd.grad(lr.sum(), real, create_graph=True)
    r1 = grad.pow(2).sum(dim=(1, 2, 3)).mean()
    return loss + 0.5 * gamma * r1, loss.item(), r1.item()


def accuracy(d, x, real):
    """Fraction of x classed as real (mean logit > 0) if real, else as fake."""
    with torch.no_grad():
        score = torch.cat([d(b).mean(dim=(1, 2, 3)) for b in x.split(256)])
    return ((score > 0) == real).float().mean().item()


def train(a, reals, fakes):
    gen = torch.Generator().manual_seed(a.seed)
    torch.manual_seed(a.seed)
    d = Discriminator([int(c) for c in a.channels.split(",")])
    opt = torch.optim.Adam(d.parameters(), lr=a.lr, betas=(0.5, 0.99))
    for step in range(a.steps):
        for g in opt.param_groups:  # cosine decay to 5%, as the engine's Adam steps
            g["lr"] = a.lr * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * step / a.steps)))
        ir = torch.randint(len(reals), (a.batch,), generator=gen)
        jf = torch.randint(len(fakes), (a.batch,), generator=gen)
        total, adv, r1 = step_loss(d, flip_some(reals[ir], gen), flip_some(fakes[jf], gen), a.r1)
        opt.zero_grad()
        total.backward()
        opt.step()
        if step % 100 == 0 or step == a.steps - 1:
            print(f"step {step:5d}: logistic loss {adv:.4f}, R1 {r1:.4f}", file=sys.stderr, flush=True)
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("generator", help="the generator's .safetensors")
    ap.add_argument("reals", help="folder or tar of real images (JPEG/PNG)")
    ap.add_argument("output", help="discriminator .safetensors to write")
    ap.add_argument("--ganprior", default="build/cli/ganprior", help="the built ganprior command")
    ap.add_argument("--reals-limit", type=int, default=0, help="use at most N reals (0: all)")
    ap.add_argument("--fakes", type=int, default=4608, help="generator samples to train on")
    ap.add_argument("--channels", default="32,64,128", help="conv widths, one stage each")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=64, help="reals and fakes per step, each")
    ap.add_argument("--lr", type=float, default=1e-3, help="initial Adam step, cosine-decayed to 5%%")
    ap.add_argument("--r1", type=float, default=1.0, help="R1 penalty weight gamma")
    ap.add_argument("--seed", type=int, default=0, help="of the fakes' latents and the training")
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    safetensors_io.add_model_arguments(ap, name="", licence="", provenance="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    started = time.perf_counter()
    g = generator_info(a.ganprior, a.generator)
    lo, hi = g["range"]
    reals = to_range(load_reals(a.reals, g["size"], a.reals_limit), lo, hi)
    fakes = to_range(sample_fakes(a.ganprior, a.generator, a.fakes, a.seed, g["size"]), lo, hi)
    nr, nf = len(reals) - len(reals) // 10, len(fakes) - len(fakes) // 10
    print(f"{len(reals)} reals, {len(fakes)} fakes at {g['size'][0]}x{g['size'][1]}, a tenth of "
          f"each held out ({time.perf_counter() - started:.1f} s to load)", file=sys.stderr)
    d = train(a, reals[:nr], fakes[:nf])
    seconds = time.perf_counter() - started
    acc_r, acc_f = accuracy(d, reals[nr:], True), accuracy(d, fakes[nf:], False)
    summary = (f"held-out accuracy: reals {acc_r:.3f} ({len(reals) - nr}), fakes {acc_f:.3f} "
               f"({len(fakes) - nf}); training accuracy: reals {accuracy(d, reals[:nr], True):.3f}, "
               f"fakes {accuracy(d, fakes[:nf], False):.3f}; {a.steps} steps in {seconds:.0f} s")
    print(summary)
    a.name = a.name or g["name"] + "-disc"
    a.licence = a.licence or g["licence"]
    a.provenance = a.provenance or (
        f"models/train_discriminator.py: fakes {g['name']} seeds {a.seed}..{a.seed + a.fakes - 1}, "
        f"reals {os.path.basename(a.reals)} ({len(reals)}), channels {a.channels}, {a.steps} steps, "
        f"batch {a.batch}, lr {a.lr}, R1 {a.r1}; {summary}")
    arch = {"family": "sequential", "input": [3, g["size"][1], g["size"][0]], "layers": d.layers()}
    safetensors_io.write_model(a, d.tensors(), arch)


if __name__ == "__main__":
    main()
