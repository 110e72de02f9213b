#!/usr/bin/python3
"""Compares inversion settings at the model's own size on the first N
held-out faces (box-reduced from 128 px), one `ganprior` call per face,
no plateau stop unless a setting asks for one.  Prints, per task and
setting, the mean PSNR and the engine's mean seconds per face:
reconstruction (whole image), inpainting a centre hole of a quarter of
each side (hole pixels only), colorization (whole colour image against
the original) and super-resolution from a box-reduced picture (whole
image).

  bench/inversion_compare.py N TASKS METHOD[:ARGS] ... [--iterations 50,100,300]
      [--build build] [--model M]   (default: the build's celeba32 DCGAN,
                                    its encoder next to it)
TASKS: reconstruct,inpaint,colorize,superres (superres at --factor, 4).
e.g. 'multicode' 'multicode:--init encoder --iterations 100'
     'indomain:--domain-weight 0.1' 'multicode:--codes 10 --layer 4'
With --iterations, every setting runs at each count (a curve of PSNR
against iterations; the step schedule decays over each run's count).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models", "train"))
sys.path.insert(0, os.path.join(HERE, "quality"))
import faces  # noqa: E402
from metrics import psnr  # noqa: E402


def box(x, k):
    """[..., 3, H, W] uint8 box-reduced by k."""
    h, w = x.shape[-2:]
    y = x.reshape(*x.shape[:-2], h // k, k, w // k, k).astype(np.float32).mean(axis=(-3, -1))
    return y.round().clip(0, 255).astype(np.uint8)


class Task:
    """How one task is posed on a face and scored."""

    def __init__(self, name, size, factor, tmp):
        self.name, self.tmp, self.factor = name, tmp, factor
        self.hole = np.zeros((size, size), bool)
        self.hole[3 * size // 8:5 * size // 8, 3 * size // 8:5 * size // 8] = True
        Image.fromarray((self.hole * 255).astype(np.uint8)).save(f"{tmp}/hole.png")

    def pose(self, src):
        """(input picture, extra CLI arguments) for src [H, W, 3]."""
        if self.name == "inpaint":
            given = src.copy()
            given[self.hole] = 0
            return given, ["--mask", f"{self.tmp}/hole.png"]
        if self.name == "superres":
            low = box(src.transpose(2, 0, 1), self.factor).transpose(1, 2, 0)
            return low, ["--factor", str(self.factor)]
        return src, []

    def score(self, out, src):
        return psnr(out, src, self.hole if self.name == "inpaint" else None)


def run_face(cli, model, task, spec_args, src, tmp):
    given, extra = task.pose(src)
    Image.fromarray(given).save(f"{tmp}/in.png")
    p = subprocess.run([cli, task.name, "--model", model, "-i", f"{tmp}/in.png", "-o", f"{tmp}/out.png",
                        "--plateau", "0"] + extra + spec_args, capture_output=True, text=True)
    if p.returncode:
        sys.exit(p.stderr)
    report = json.loads(p.stdout.strip().splitlines()[-1])
    return task.score(np.asarray(Image.open(f"{tmp}/out.png")), src), report["seconds"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("tasks")
    ap.add_argument("methods", nargs="+")
    ap.add_argument("--iterations", default=None, help="comma-separated iteration counts for every setting")
    ap.add_argument("--factor", type=int, default=4, help="super-resolution factor")
    ap.add_argument("--build", default="build")
    ap.add_argument("--model", default=None)
    ap.add_argument("--shared", default=os.environ.get("GANPRIOR_SHARED", os.path.join(HERE, "..", "..", "shared")))
    a = ap.parse_args()
    cli = os.path.join(a.build, "cli", "ganprior")
    model = a.model or os.path.join(a.build, "tests", "celeba32-dcgan.safetensors")
    size = int(subprocess.run([cli, "info", "--model", model], capture_output=True, text=True)
               .stdout.split("size:")[1].split("x")[0])
    x = faces.load_test(os.path.join(a.shared, "data", "faces128"))[:a.count]
    x = box(x, x.shape[-1] // size)
    counts = [None] if a.iterations is None else [int(n) for n in a.iterations.split(",")]
    tmp = tempfile.mkdtemp()
    for name in a.tasks.split(","):
        task = Task(name, size, a.factor, tmp)
        for spec in a.methods:
            method, args = spec.split(":", 1) if ":" in spec else (spec, "")
            for n in counts:
                spec_args = ["--method", method] + args.split() + ([] if n is None else ["--iterations", str(n)])
                scores, seconds = zip(*(run_face(cli, model, task, spec_args, face.transpose(1, 2, 0), tmp)
                                        for face in x))
                label = spec + ("" if n is None else f" @{n}")
                print(f"{name:12s} {label:56s} {np.mean(scores):6.2f} dB  {np.mean(seconds):7.3f} s",
                      flush=True)


if __name__ == "__main__":
    main()
