#!/usr/bin/python3
"""Composed photos with known truth for tests/test_faces_find.c.

Reads the held-out faces of ../shared/data/faces128/test-000.tar (128 px
crops; never used for training, never committed) and pastes 1-4 of them
into each of PICTURES larger pictures (640x480, 800x600 or 1000x750; plain
gray, noise or a smooth gradient behind): each face resized with Lanczos
to a width of 40-400 px (log-uniform), rotated by -20..20 degrees
(bicubic, PIL), placed without overlap.  Writes, as one safetensors file
in the build folder (OUT, F16):
  "pic{i}"  [H, W, 3] F16 in [0, 1]
  "faces"   [N, 128, 128, 3] the crops used, in order
and TRUTH_OUT (F32):
  "truth"   [T, 8]: picture, face, then the affine map a, b, c, d, tx, ty
            taking a point q of the 128 px crop to the picture:
            x = a qx + b qy + tx, y = c qx + d qy + ty (pixel edges at
            integers, as the engine's points)
Seeded: the same file every time.
"""
import argparse
import io
import math
import os
import sys
import tarfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import safetensors_io  # noqa: E402

SIZES = [(640, 480), (800, 600), (1000, 750)]


def read_faces(path, count):
    faces = []
    with tarfile.open(path) as tar:
        for m in tar:
            if m.isfile() and m.name.lower().endswith((".jpg", ".jpeg", ".png")):
                img = Image.open(io.BytesIO(tar.extractfile(m).read())).convert("RGB")
                faces.append(img.resize((128, 128), Image.LANCZOS) if img.size != (128, 128) else img)
                if len(faces) == count:
                    break
    return faces


def background(rng, w, h):
    kind = rng.integers(3)
    if kind == 0:
        a = np.full((h, w, 3), rng.uniform(0.2, 0.8, 3))
    elif kind == 1:
        a = np.clip(rng.normal(rng.uniform(0.3, 0.7), 0.15, (h, w, 3)), 0, 1)
    else:
        y, x = np.mgrid[0:h, 0:w]
        a = np.stack([(x / w) * 0.6 + 0.2, (y / h) * 0.6 + 0.2, 0.5 + 0 * x], -1)
    return Image.fromarray((a * 255).astype(np.uint8))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tar")
    ap.add_argument("out")
    ap.add_argument("truth_out")
    ap.add_argument("--pictures", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    faces = read_faces(args.tar, 4 * args.pictures)
    tensors, truth, used = {}, [], []
    for p in range(args.pictures):
        w, h = SIZES[p % len(SIZES)]
        pic = background(rng, w, h)
        placed = []
        for _ in range(int(rng.integers(1, 5))):
            for _attempt in range(50):
                size = int(round(math.exp(rng.uniform(math.log(40), math.log(400)))))
                angle = float(rng.uniform(-20, 20))
                face = faces[len(used) % len(faces)].resize((size, size), Image.LANCZOS)
                rot = face.rotate(angle, resample=Image.BICUBIC, expand=True)
                mask = Image.new("L", (size, size), 255).rotate(angle, resample=Image.BICUBIC, expand=True)
                ew, eh = rot.size
                if ew >= w or eh >= h:
                    continue
                ox, oy = int(rng.integers(0, w - ew)), int(rng.integers(0, h - eh))
                if any(ox < x1 and x0 < ox + ew and oy < y1 and y0 < oy + eh for x0, y0, x1, y1 in placed):
                    continue
                pic.paste(rot, (ox, oy), mask)
                placed.append((ox, oy, ox + ew, oy + eh))
                # q (crop) -> s q -> rotate about the centre -> expanded centre + offset
                s, t = size / 128.0, math.radians(angle)
                a, b, c, d = s * math.cos(t), s * math.sin(t), -s * math.sin(t), s * math.cos(t)
                cx = ox + ew / 2 - (a * 64 + b * 64)
                cy = oy + eh / 2 - (c * 64 + d * 64)
                truth.append([p, len(used), a, b, c, d, cx, cy])
                used.append(faces[len(used) % len(faces)])
                break
        tensors[f"pic{p}"] = np.asarray(pic, np.float32) / 255.0
    tensors["faces"] = np.stack([np.asarray(f, np.float32) / 255.0 for f in used])
    meta = {"source": os.path.basename(args.tar), "pictures": args.pictures, "faces": len(truth)}
    safetensors_io.write(args.out, tensors, meta, "F16")
    safetensors_io.write(args.truth_out, {"truth": np.array(truth, np.float32)}, meta, "F32")
    print(f"{args.out}: {args.pictures} pictures, {len(truth)} faces")


if __name__ == "__main__":
    main()
