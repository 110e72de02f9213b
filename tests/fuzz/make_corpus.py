"""Seed corpora for the fuzz targets, made from the project's own files:
model files as they are (model/; those over 256 KB only lend their
architecture, as large seeds slow every run), their ganprior.arch documents
(arch/), small PNGs of every colour type and bit depth the reader takes
(png/), and the hand-made inputs in tests/fuzz/seeds/<target>/ (past
findings and known edge cases).

    make_corpus.py OUT_DIR STAMP MODEL.safetensors [...]
"""
import io
import json
import os
import shutil
import struct
import sys

import numpy as np
from PIL import Image


def arch_text(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n))["__metadata__"]["ganprior.arch"]


def pngs():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (9, 7, 3), dtype=np.uint8)
    yield "rgb8", Image.fromarray(rgb)
    yield "rgba8", Image.fromarray(np.dstack([rgb, rgb[..., :1]]))
    yield "gray8", Image.fromarray(rgb[..., 0])
    yield "gray16", Image.fromarray((rgb[..., 0].astype(np.uint16) * 257))
    yield "gray1", Image.fromarray(rgb[..., 0] > 127)
    yield "palette", Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=5)
    yield "graya", Image.fromarray(np.dstack([rgb[..., 0], rgb[..., 1]]), "LA")


def main():
    out, stamp, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    for sub in ("model", "arch", "png"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    for path in models:
        if not os.path.exists(path):
            continue
        name = os.path.splitext(os.path.basename(path))[0]
        if os.path.getsize(path) <= 256 * 1024:
            shutil.copy(path, os.path.join(out, "model", name))
        with open(os.path.join(out, "arch", name), "w") as g:
            g.write(arch_text(path))
    for name, img in pngs():
        buf = io.BytesIO()
        img.save(buf, "PNG")
        with open(os.path.join(out, "png", name), "wb") as g:
            g.write(buf.getvalue())
    seeds = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
    for sub in os.listdir(seeds):
        for name in os.listdir(os.path.join(seeds, sub)):
            shutil.copy(os.path.join(seeds, sub, name), os.path.join(out, sub, name))
    open(stamp, "w").close()


if __name__ == "__main__":
    main()
