#!/usr/bin/python3
"""Writes the first N held-out faces, resized, as one safetensors tensor.

Reads ../shared/data/faces128/test-000.tar (the held-out shard: never used
for training), takes its first N JPEG files in archive order, resizes them
with Lanczos to SIZE x SIZE and stores them as "faces" [N, SIZE, SIZE, 3]
float32 in [0, 1], so C tests need no image decoder.
"""
import argparse
import io
import os
import sys
import tarfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import safetensors_io  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("tar")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--size", type=int, default=32)
    args = ap.parse_args()
    faces = []
    with tarfile.open(args.tar) as tar:
        for member in tar:
            if not member.isfile() or not member.name.lower().endswith((".jpg", ".jpeg")):
                continue
            img = Image.open(io.BytesIO(tar.extractfile(member).read())).convert("RGB")
            img = img.resize((args.size, args.size), Image.LANCZOS)
            faces.append(np.asarray(img, dtype=np.float32) / 255.0)
            if len(faces) == args.count:
                break
    safetensors_io.write(args.out, {"faces": np.stack(faces)},
                         {"source": os.path.basename(args.tar), "count": len(faces)})


if __name__ == "__main__":
    main()
