#!/usr/bin/python3
"""Writes the pictures the headless GIMP tests feed to the filters.

From one held-out face of ../shared/data/faces128/test-000.tar (never a
training face): face.png (the 128x128 original), damaged.png (a white
block over the face: the hole the inpainting test selects), gray.png (its
Rec. 601 luma as RGB: what colorize gets) and gray1.png (the same as a
one-channel picture, which GIMP opens as a grayscale image), small.png (reduced 4x by 4x4
block means: what super-resolve gets) and indexed.png (a palette image
the filters must refuse).  Also hole.txt: the block as "x y w h".
"""
import io
import os
import sys
import tarfile

import numpy as np
from PIL import Image

HOLE = (44, 40, 40, 36)  # x, y, w, h: over an eye and the nose


def first_face(tar_path, index):
    with tarfile.open(tar_path) as tar:
        faces = [m for m in tar if m.isfile() and m.name.lower().endswith((".jpg", ".jpeg"))]
        data = tar.extractfile(faces[index]).read()
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def main():
    tar_path, out_dir = sys.argv[1], sys.argv[2]
    index = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    face = first_face(tar_path, index)
    save = lambda a, name: Image.fromarray(a).save(os.path.join(out_dir, name))
    save(face, "face.png")
    x, y, w, h = HOLE
    damaged = face.copy()
    damaged[y:y + h, x:x + w] = 255
    save(damaged, "damaged.png")
    luma = face.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    gray = np.round(luma).astype(np.uint8)
    save(np.repeat(gray[..., None], 3, axis=2), "gray.png")
    save(gray, "gray1.png")  # one channel: GIMP opens it as a grayscale image
    small = face.astype(np.float64).reshape(32, 4, 32, 4, 3).mean(axis=(1, 3))
    save(np.round(small).astype(np.uint8), "small.png")
    Image.fromarray(face).quantize(64).save(os.path.join(out_dir, "indexed.png"))
    with open(os.path.join(out_dir, "hole.txt"), "w") as f:
        f.write("%d %d %d %d\n" % HOLE)


if __name__ == "__main__":
    main()
