"""Packs the training faces into one compressed file for a GPU machine (the
working tree that travels there is small), and reports its size and PSNR
against the decoded source; the held-out faces go beside it (NAME-test.npz),
for the distance curve only.

    /usr/bin/python3 models/train/pack_faces.py gpu-data/faces128.npz [--quality 80]
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import faces  # noqa: E402
from train_gan import DEFAULT_DATA  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--cache", default=None, help="a decoded .npy of the training shards, if there is one")
    ap.add_argument("--format", default="WEBP", choices=("WEBP", "JPEG"))
    ap.add_argument("--quality", type=int, default=80)
    a = ap.parse_args()
    src = faces.load(a.data, faces.TRAIN_SHARDS, a.cache)
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    faces.pack(src, a.output, a.format, a.quality)
    back = faces.load_packed(a.output)
    mse = ((back.astype(np.float64) - src) ** 2).mean()
    faces.pack(faces.load_test(a.data), a.output[:-4] + "-test.npz", a.format, a.quality)
    print(f"{a.output}: {src.shape[0]} faces, {os.path.getsize(a.output) / 2**20:.1f} MiB, "
          f"{a.format} q{a.quality}, PSNR {10 * np.log10(255 ** 2 / mse):.2f} dB against the source")


if __name__ == "__main__":
    main()
