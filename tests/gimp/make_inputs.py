#!/usr/bin/python3
"""Writes the pictures the headless GIMP tests feed to the filters.

From one held-out face of ../shared/data/faces128/test-000.tar (never a
training face): face.png (the 128x128 original), damaged.png (a white
block over the face: the hole the inpainting test selects), gray.png (its
Rec. 601 luma as RGB: what colorize gets) and gray1.png (the same as a
one-channel picture, which GIMP opens as a grayscale image), small.png (reduced 4x by 4x4
block means: what super-resolve gets) and indexed.png (a palette image
the filters must refuse).  Also hole.txt: the block as "x y w h".

For Faces "find faces": faces.png, two other held-out faces (read as
tests/faces_composed.py reads them) scaled, turned and pasted into a
360x220 gray picture with faint noise; faces-gray.png (its luma),
faces-damaged.png (a white block over the first face's mouth: the
selection inpainting gets) and noface.png (the background alone).
faces.txt: per face "cx cy r", a disc about the pasted square;
faces-hole.txt: the block as "x y w h".
"""
import io
import math
import os
import sys
import tarfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from faces_composed import read_faces  # noqa: E402

HOLE = (44, 40, 40, 36)  # x, y, w, h: over an eye and the nose
FACES_SIZE = (360, 220)
# per face: which held-out face, its side in pixels, its turn (degrees), its top-left
FACES = [(1, 104, -7.0, (24, 50)), (2, 120, 9.0, (200, 34))]


def first_face(tar_path, index):
    with tarfile.open(tar_path) as tar:
        faces = [m for m in tar if m.isfile() and m.name.lower().endswith((".jpg", ".jpeg"))]
        data = tar.extractfile(faces[index]).read()
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def luma(rgb):
    return np.round(rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)


def faces_pictures(tar_path, out_dir):
    w, h = FACES_SIZE
    rng = np.random.default_rng(11)
    bg = np.clip(0.5 + rng.normal(0, 0.02, (h, w, 1)), 0, 1) * np.ones((1, 1, 3))
    background = (bg * 255).astype(np.uint8)
    Image.fromarray(background).save(os.path.join(out_dir, "noface.png"))
    pic = Image.fromarray(background)
    crops = read_faces(tar_path, 1 + max(f[0] for f in FACES))
    discs, mouths = [], []
    for index, size, angle, at in FACES:
        face = crops[index].resize((size, size), Image.LANCZOS)
        rot = face.rotate(angle, resample=Image.BICUBIC, expand=True)
        mask = Image.new("L", (size, size), 255).rotate(angle, resample=Image.BICUBIC, expand=True)
        pic.paste(rot, at, mask)
        cx, cy = at[0] + rot.size[0] / 2, at[1] + rot.size[1] / 2
        discs.append((cx, cy, size / math.sqrt(2)))
        # the crop's mouth, about (0.5, 0.76) of its side, turned with it
        # (PIL turns counter-clockwise on screen: y down)
        t = math.radians(angle)
        dx, dy = 0.0, 0.26 * size
        mouths.append((cx + dx * math.cos(t) + dy * math.sin(t),
                       cy - dx * math.sin(t) + dy * math.cos(t)))
    rgb = np.asarray(pic)
    save = lambda a, name: Image.fromarray(a).save(os.path.join(out_dir, name))
    save(rgb, "faces.png")
    save(np.repeat(luma(rgb)[..., None], 3, axis=2), "faces-gray.png")
    mx, my = mouths[0]
    hole = (int(mx - 18), int(my - 9), 36, 18)
    damaged = rgb.copy()
    damaged[hole[1]:hole[1] + hole[3], hole[0]:hole[0] + hole[2]] = 255
    save(damaged, "faces-damaged.png")
    with open(os.path.join(out_dir, "faces.txt"), "w") as f:
        f.writelines("%.2f %.2f %.2f\n" % d for d in discs)
    with open(os.path.join(out_dir, "faces-hole.txt"), "w") as f:
        f.write("%d %d %d %d\n" % hole)


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
    faces_pictures(tar_path, out_dir)


if __name__ == "__main__":
    main()
