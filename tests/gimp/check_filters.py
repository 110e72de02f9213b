#!/usr/bin/python3
"""Checks what a user would of the four filters' results in GIMP.

Usage: check_filters.py DIR LOG
DIR holds make_inputs.py's pictures and, per filter, NAME.png (the new
layer) and NAME-src.png (the source layer after the run); LOG is GIMP's
output with the "ganprior-test:" lines the batch helpers print, among
them one per call that must be refused (its message, and the image's
layers and GIMP's images before and after).  The faces-* results are
Faces "find faces" runs on make_inputs.py's two-face picture.  Prints
one line per check and "N passed, N failed"; exits 1 if any failed.
"""
import os
import re
import sys

import numpy as np
from PIL import Image

NAMES = {"reconstruct": "Reconstructed (GAN prior)", "inpaint": "Inpainted (GAN prior)",
         "colorize": "Colorized (GAN prior)", "superres": "Super-resolved (GAN prior)"}
INPUTS = {"reconstruct": "face.png", "inpaint": "damaged.png", "colorize": "gray.png",
          "colorize-gray": "gray1.png", "superres": "small.png", "reconstruct-subspace": "face.png",
          "reconstruct-detail": "face.png"}
NAMES["colorize-gray"] = NAMES["colorize"]
NAMES["reconstruct-subspace"] = NAMES["reconstruct-detail"] = NAMES["reconstruct"]
FACES_INPUTS = {"faces-reconstruct": "faces.png", "faces-inpaint": "faces-damaged.png",
                "faces-colorize": "faces-gray.png", "faces-superres": "faces.png"}
INPUTS.update(FACES_INPUTS)
NAMES.update({k: NAMES[k[len("faces-"):]] for k in FACES_INPUTS})
NEW_IMAGE = ("superres", "colorize-gray", "faces-superres")  # results that open as a new image
# The refusals: the report's name, and what its message must say.
REFUSALS = {
    "indexed": "Indexed images are not supported",
    "no-selection": "nothing of this layer is selected",
    "faces-none": "No face was found in the layer",
    "faces-none-selected": "No face was found in the selected part of the layer",
    "faces-none-near": "None of the 2 faces found in the layer is near the selection",
}
INSTEAD = 'set Faces to "the selection as it is"'  # the way on, in every faces refusal


def load(d, name):
    return np.asarray(Image.open(os.path.join(d, name)).convert("RGB")).astype(np.float64)


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return 10 * np.log10(255.0 ** 2 / mse) if mse > 0 else 100.0


def lightness(rgb):
    """CIE L* of 8-bit sRGB (independent of the white point's chromaticity)."""
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = lin @ np.array([0.2126729, 0.7151522, 0.0721750])
    f = np.where(y > (6 / 29) ** 3, np.cbrt(y), y / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f - 16


def chroma(rgb):
    """C*ab of 8-bit sRGB, D65."""
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    a, b = 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])
    return np.hypot(a, b)


def lanczos_up(small, size):
    img = Image.fromarray(small.astype(np.uint8)).resize((size, size), Image.LANCZOS)
    return np.asarray(img).astype(np.float64)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, ok, name, detail):
        print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def placement(check, log, task):
    m = re.search(r"ganprior-test: \S*/%s\.png (.*)" % task, log)
    if not m:
        return check(False, task + " placement", "no report line in the log")
    f = dict(kv.split("=", 1) for kv in m.group(1).split(" ", 5))
    if task in NEW_IMAGE:
        check(f["same-image"] == "no" and f["layers-after"] == "1" and f["name"] == NAMES[task],
              task + " placement", "new image with one layer %r" % f["name"])
    else:
        ok = (f["same-image"] == "yes" and int(f["layers-after"]) == int(f["layers-before"]) + 1
              and int(f["position"]) == int(f["source-position"]) - 1
              and f["name"] == NAMES[task])
        check(ok, task + " placement", "one new layer %r right above the source (%s)"
              % (f["name"], m.group(1)))


def neutral(rgb):
    """How far each pixel is from gray: the sum of |channel - mean|."""
    return np.abs(rgb - rgb.mean(axis=2, keepdims=True)).sum(axis=2)


def faces_checks(check, d):
    """Faces "find faces" on the two-face picture: only the faces change.
    (A result not written has failed already, in main's loop.)"""
    have = lambda task: os.path.exists(os.path.join(d, task + ".png"))
    picture = load(d, "faces.png")
    h, w = picture.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    discs = [tuple(map(float, line.split())) for line in open(os.path.join(d, "faces.txt"))]
    dist = [np.hypot(xx + 0.5 - cx, yy + 0.5 - cy) for cx, cy, _ in discs]
    # the pasted squares and the sampler's reach; each face's middle
    near = np.any([q < r + 4 for q, (_, _, r) in zip(dist, discs)], axis=0)
    cores = [q < r / 3 for q, (_, _, r) in zip(dist, discs)]

    if have("faces-reconstruct"):
        out = load(d, "faces-reconstruct.png")
        changed = np.abs(out - picture).sum(axis=2) > 0
        check(not changed[~near].any(), "faces-reconstruct away",
              "%d pixels changed away from the faces (0 expected)" % changed[~near].sum())
        share = [changed[c].mean() for c in cores]
        check(len(share) == 2 and min(share) > 0.9, "faces-reconstruct both faces",
              "share of each face's middle changed: %s (> 0.9 each)"
              % ", ".join("%.2f" % v for v in share))
    if have("faces-inpaint"):
        faces_inpaint(check, d, picture)
    if have("faces-colorize"):
        faces_colorize(check, d, near, cores)
    if have("faces-superres"):
        faces_superres(check, d, picture)


def faces_inpaint(check, d, picture):
    h, w = picture.shape[:2]
    x, y, hw, hh = map(int, open(os.path.join(d, "faces-hole.txt")).read().split())
    hole = np.zeros((h, w), bool)
    hole[y:y + hh, x:x + hw] = True
    damaged, out = load(d, "faces-damaged.png"), load(d, "faces-inpaint.png")
    check(np.array_equal(out[~hole], damaged[~hole]), "faces-inpaint outside",
          "pixels outside the selection unchanged (max diff %.0f)"
          % np.abs(out[~hole] - damaged[~hole]).max())
    # the white block over a mouth is less far from the truth than over an eye
    moved, gap = np.abs(out[hole] - damaged[hole]).mean(), np.abs(picture[hole] - damaged[hole]).mean()
    check(moved > gap / 2, "faces-inpaint inside", "mean change in the hole %.1f levels (> %.1f, "
          "half the white block's distance from the undamaged face)" % (moved, gap / 2))
    p = psnr(out[hole], picture[hole])
    check(p > 15.0, "faces-inpaint plausible", "PSNR in the hole vs the undamaged face %.2f dB "
          "(> 15; the white hole: %.2f dB)" % (p, psnr(damaged[hole], picture[hole])))


def faces_colorize(check, d, near, cores):
    gray, out = load(d, "faces-gray.png"), load(d, "faces-colorize.png")
    dl = np.abs(lightness(out) - lightness(gray)).max()
    check(dl <= 1.0, "faces-colorize lightness", "max |dL*| %.3f (<= 1.0, 8-bit rounding)" % dl)
    tint = neutral(out)
    share = [tint[c].mean() for c in cores]
    check(len(share) == 2 and min(share) > 2.0, "faces-colorize both faces",
          "mean distance from gray in each face's middle: %s (> 2 each)"
          % ", ".join("%.2f" % v for v in share))
    check(tint[~near].max() <= 2.0, "faces-colorize neutral away",
          "max distance from gray away from the faces %.2f (<= 2)" % tint[~near].max())


def faces_superres(check, d, picture):
    h, w = picture.shape[:2]
    out = load(d, "faces-superres.png")
    sized = out.shape == (2 * h, 2 * w, 3)
    check(sized, "faces-superres size", "%s (%s expected)" % (out.shape, (2 * h, 2 * w, 3)))
    if sized:
        back = np.abs(out.reshape(h, 2, w, 2, 3).mean(axis=(1, 3)) - picture)
        check(back.max() <= 3.0, "faces-superres consistent",
              "2x2 means vs the picture: mean %.2f, max %.2f levels (<= 3)" % (back.mean(), back.max()))


def refusals(check, log):
    for name, message in REFUSALS.items():
        m = re.search(r"ganprior-test: refused %s (.*)" % name, log)
        if not m:
            check(False, name + " refused", "no report line in the log")
            continue
        f = dict(kv.split("=", 1) for kv in re.findall(r"(\S+=\S+)", m.group(1)))
        expected = [message] + ([INSTEAD] if name.startswith("faces-") else [])
        check(all(e in m.group(1) for e in expected), name + " refused",
              "message %r (%s expected in it)" % (m.group(1).split("message=", 1)[-1],
                                                 " and ".join(map(repr, expected))))
        check(f.get("layers-after") == f.get("layers-before") and
              f.get("images-after") == f.get("images-before"), name + " nothing added",
              "layers %s -> %s, images %s -> %s" % (f.get("layers-before"), f.get("layers-after"),
                                                    f.get("images-before"), f.get("images-after")))


def main():
    d, log_path = sys.argv[1], sys.argv[2]
    log = open(log_path, errors="replace").read()
    check = Checks()
    face = load(d, "face.png")
    for task, src in INPUTS.items():
        if not os.path.exists(os.path.join(d, task + ".png")):
            check(False, task, "no result written")
            continue
        same = np.array_equal(load(d, task + "-src.png"), load(d, src))
        check(same, task + " source untouched", "source layer identical to the input")
        placement(check, log, task)

    x, y, w, h = map(int, open(os.path.join(d, "hole.txt")).read().split())
    hole = np.zeros(face.shape[:2], bool)
    hole[y:y + h, x:x + w] = True
    damaged, out = load(d, "damaged.png"), load(d, "inpaint.png")
    check(np.array_equal(out[~hole], damaged[~hole]), "inpaint outside",
          "pixels outside the selection unchanged (max diff %.0f)"
          % np.abs(out[~hole] - damaged[~hole]).max())
    moved = np.abs(out[hole] - damaged[hole]).mean()
    check(moved > 60, "inpaint inside", "mean change in the hole %.1f levels (> 60)" % moved)
    p = psnr(out[hole], face[hole])
    check(p > 15.0, "inpaint plausible", "PSNR in the hole vs the undamaged face %.2f dB (> 15; "
          "the white hole: %.2f dB)" % (p, psnr(damaged[hole], face[hole])))

    gray = load(d, "gray.png")
    for task in ("colorize", "colorize-gray"):
        out = load(d, task + ".png")
        dl = np.abs(lightness(out) - lightness(gray)).max()
        check(dl <= 1.0, task + " lightness", "max |dL*| %.3f (<= 1.0, 8-bit rounding)" % dl)
        c = chroma(out).mean()
        check(c > 4.0, task + " chroma", "mean C*ab %.2f (> 4; the face's own: %.2f)"
              % (c, chroma(face).mean()))

    small, out = load(d, "small.png"), load(d, "superres.png")
    sized = out.shape == face.shape
    check(sized, "superres size", "%s (%s expected)" % (out.shape, face.shape))
    if sized:
        back = out.reshape(32, 4, 32, 4, 3).mean(axis=(1, 3))
        err = np.abs(back - small)
        check(err.mean() < 1.0 and err.max() < 8, "superres consistent",
              "4x4 means vs the input: mean %.2f, max %.1f levels" % (err.mean(), err.max()))
        ours, lz = psnr(out, face), psnr(lanczos_up(small, 128), face)
        check(ours > lz - 1.0, "superres quality",
              "PSNR vs the original %.2f dB, Lanczos %.2f dB (must be > Lanczos - 1)" % (ours, lz))

    for task in ("reconstruct", "reconstruct-subspace"):
        p = psnr(load(d, task + ".png"), face)
        check(p > 17.0, task, "PSNR vs the input %.2f dB (> 17)" % p)
    # Tuning fits the 32 px model's output to the face: closer at full size.
    plain, tuned = psnr(load(d, "reconstruct.png"), face), psnr(load(d, "reconstruct-detail.png"), face)
    check(tuned > plain + 1.0, "reconstruct-detail",
          "with 100 tuning steps %.2f dB vs %.2f dB without (> +1 dB)" % (tuned, plain))

    faces_checks(check, d)
    refusals(check, log)
    print("%d passed, %d failed" % (check.passed, check.failed))
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
