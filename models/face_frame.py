#!/usr/bin/python3
"""The face model's frame: where the five points (eye centres, nose tip,
mouth corners) sit on average in the training faces' square crops.

Runs the engine's face finder (`ganprior faces --frame`: face-api's tiny
detector with gp_faces_find's defaults, then the 68-point landmark net) on
the 128 px training crops of shard-000..004 (models/train/faces.py; the
held-out test-000.tar is never read), each centred on a gray square twice
its side, and prints the mean and standard deviation of each point in
unit coordinates (0..1 of the crop's side, x right, y down, pixel edges at
0 and 1) and how many crops had no face.  The result goes into
engine/faces/frame.c (the default frame) and into a model file's metadata
key `ganprior.face_frame` (models/train/export.py).

usage: face_frame.py GANPRIOR FACES_DIR [--every N] [--json]

The default frame was measured with --every 5 (4,209 crops; 17 minutes on
two cores shared with a training run); --every 40 gives the same means
within 0.002.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "train"))
import faces  # noqa: E402

NAMES = ["right_eye", "left_eye", "nose", "mouth_right", "mouth_left"]
GRID = 16  # crops per mosaic side


def run_mosaic(exe, models, crops, tmp, k):
    n, side = len(crops), crops.shape[-1]
    mosaic = np.zeros((GRID * side, GRID * side, 3), np.uint8)
    for i, c in enumerate(crops):
        r, q = divmod(i, GRID)
        mosaic[r * side:(r + 1) * side, q * side:(q + 1) * side] = c.transpose(1, 2, 0)
    path = os.path.join(tmp, f"mosaic{k}.png")
    Image.fromarray(mosaic).save(path)
    env = dict(os.environ, GANPRIOR_MODEL_PATH=models, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([exe, "faces", "-i", path, "--frame", str(side)], env=env, check=True, capture_output=True,
                         text=True).stdout
    os.remove(path)
    rows = [json.loads(line) for line in out.splitlines()]
    return [r["points"] for r in rows[:n]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ganprior")
    ap.add_argument("faces_dir")
    ap.add_argument("--every", type=int, default=1, help="use every N-th face")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print the metadata value only")
    args = ap.parse_args()
    models = os.path.dirname(os.path.abspath(__file__))
    data = faces.load(args.faces_dir, faces.TRAIN_SHARDS)[::args.every]
    per = GRID * GRID
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        parts = pool.map(lambda k: run_mosaic(args.ganprior, models, data[k:k + per], tmp, k // per),
                         range(0, len(data), per))
        points = [p for part in parts for p in part]
    found = np.array([p for p in points if p is not None], np.float64)  # [n, 5, 2]
    mean, std = found.mean(0), found.std(0)
    value = json.dumps([[round(float(v), 4) for v in pt] for pt in mean])
    if args.json:
        print(value)
        return
    print(f"{len(data)} crops ({data.shape[-1]} px), {len(found)} with a face, {len(data) - len(found)} without")
    for name, m, s in zip(NAMES, mean, std):
        print(f"  {name:12s} mean ({m[0]:.4f}, {m[1]:.4f})  std ({s[0]:.4f}, {s[1]:.4f})")
    iod = np.hypot(*(found[:, 1] - found[:, 0]).T)
    print(f"  inter-ocular distance mean {iod.mean():.4f}, std {iod.std():.4f}")
    print(f"ganprior.face_frame = {value}")


if __name__ == "__main__":
    main()
