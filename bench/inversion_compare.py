#!/usr/bin/python3
"""Compares inversion starts and the in-domain method at the model's own
size on the first N held-out faces (box-reduced from 128 px): mean PSNR
of reconstruction (whole image) and of inpainting a centre hole of a
quarter of each side (hole pixels only), one `ganprior` call per face, no
plateau stop, so every call runs its iterations.

  bench/indomain_compare.py N reconstruct,inpaint METHOD[:ARGS] ...
      [--build build] [--model M]   (default: the build's celeba32 DCGAN,
                                    its encoder next to it)
e.g. 'multicode' 'multicode:--init encoder --iterations 100'
     'indomain:--domain-weight 0.1'
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models", "train"))
import faces  # noqa: E402


def psnr(a, b, mask=None):
    d = (a.astype(float) - b.astype(float)) ** 2
    return 10 * np.log10(255 ** 2 / (d[mask] if mask is not None else d).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("tasks")
    ap.add_argument("methods", nargs="+")
    ap.add_argument("--build", default="build")
    ap.add_argument("--model", default=None)
    ap.add_argument("--shared", default=os.environ.get("GANPRIOR_SHARED", os.path.join(HERE, "..", "..", "shared")))
    a = ap.parse_args()
    cli = os.path.join(a.build, "cli", "ganprior")
    model = a.model or os.path.join(a.build, "tests", "celeba32-dcgan.safetensors")
    size = int(subprocess.run([cli, "info", "--model", model], capture_output=True, text=True)
               .stdout.split("size:")[1].split("x")[0])
    x = faces.load_test(os.path.join(a.shared, "data", "faces128"))[:a.count].astype(np.float32)
    k = x.shape[-1] // size
    x = x.reshape(a.count, 3, size, k, size, k).mean(axis=(3, 5)).round().clip(0, 255).astype(np.uint8)
    hole = np.zeros((size, size), bool)
    hole[3 * size // 8:5 * size // 8, 3 * size // 8:5 * size // 8] = True
    tmp = tempfile.mkdtemp()
    Image.fromarray((hole * 255).astype(np.uint8)).save(f"{tmp}/hole.png")
    for task in a.tasks.split(","):
        for spec in a.methods:
            name, args = spec.split(":", 1) if ":" in spec else (spec, "")
            scores = []
            for face in x:
                src = face.transpose(1, 2, 0)
                given = src.copy()
                extra = []
                if task == "inpaint":
                    given[hole] = 0
                    extra = ["--mask", f"{tmp}/hole.png"]
                Image.fromarray(given).save(f"{tmp}/in.png")
                p = subprocess.run([cli, task, "--model", model, "-i", f"{tmp}/in.png", "-o", f"{tmp}/out.png",
                                    "--method", name, "--plateau", "0"] + extra + args.split(),
                                   capture_output=True, text=True)
                if p.returncode:
                    sys.exit(p.stderr)
                out = np.asarray(Image.open(f"{tmp}/out.png"))
                scores.append(psnr(out, src, hole if task == "inpaint" else None))
            print(f"{task:12s} {spec:50s} {np.mean(scores):6.2f} dB", flush=True)


if __name__ == "__main__":
    main()
