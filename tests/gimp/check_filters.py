#!/usr/bin/python3
"""Checks what a user would of the four filters' results in GIMP.

Usage: check_filters.py DIR LOG
DIR holds make_inputs.py's pictures and, per filter, NAME.png (the new
layer) and NAME-src.png (the source layer after the run); LOG is GIMP's
output with the "ganprior-test:" lines the batch helpers print and the
messages of the calls that must be refused.  Prints one line per check
and "N passed, N failed"; exits 1 if any failed.
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
NEW_IMAGE = ("superres", "colorize-gray")  # results that open as a new image


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

    for message, why in [("Indexed images are not supported", "indexed image refused"),
                         ("nothing of this layer is selected", "inpaint without selection refused")]:
        check(message in log, why, "message %r in GIMP's log" % message)
    print("%d passed, %d failed" % (check.passed, check.failed))
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
