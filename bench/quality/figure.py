"""README figure of issue #6: for each task, input / best peer / ours on a
real photo at its own resolution, scored as the harness scores.

  /usr/bin/python3 bench/quality/figure.py [--build DIR] [--model M]
                   [--photo PNG] [--box X,Y,SIDE] [--out PNG]

The photo must be one the project may show: the default is the NASA
portrait of Eileen Collins that Debian's python3-skimage ships (public
domain), cropped to the face at its native pixels (no resizing).  Ours
is the built `ganprior` with `--full`, i.e. what the GIMP plug-in gives
with its default settings; the peers are the harness's best ones for
each task.  Each cell's label carries its score (PSNR in the hole for
inpainting, whole-image PSNR for super-resolution, AuC for colorization).
"""
import argparse
import os
import sys
import tempfile

import numpy as np
from PIL import Image

import grid
import ours
import peers
import run
import tasks
from dataset import FaceSet

PHOTO = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"
# The harness's peers, each with the short label a 128 px cell has room for.
PEERS = {"inpaint": [("harmonic (Laplace)", "harmonic"), ("G'MIC inpaint_pde", "G'MIC pde")],
         "colorize": [("gray (floor)", "gray")],
         "superres": [("PIL Lanczos", "Lanczos"), ("GEGL nohalo", "nohalo")]}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="meson build dir, relative to the repo (default: build)")
    ap.add_argument("--model", help=f"generator (default: BUILD/{run.DEFAULT_MODEL})")
    ap.add_argument("--photo", default=PHOTO, help="the photo (default: skimage's public-domain astronaut)")
    ap.add_argument("--box", default="170,52,128", help="crop: left,top,side in photo pixels")
    ap.add_argument("--method", default="multicode:--full", help="ours, as in run.py's --method")
    ap.add_argument("--out", default=os.path.join(run.ROOT, "docs", "images", "figure-tasks.png"))
    return ap.parse_args()


def crop(path, box):
    x, y, side = (int(v) for v in box.split(","))
    img = np.asarray(Image.open(path).convert("RGB"))
    if x < 0 or y < 0 or x + side > img.shape[1] or y + side > img.shape[0] or side % 8:
        raise SystemExit(f"figure: the box {box} does not fit the {img.shape[1]}x{img.shape[0]} photo "
                         "or its side is not a multiple of 8")
    return img[y:y + side, x:x + side].copy()


def hole_over_mouth(side):
    """A rectangle over the lower middle of a face crop, where a scratch or
    a blemish would be retouched."""
    hole = np.zeros((side, side), bool)
    hole[int(side * 0.58):int(side * 0.80), int(side * 0.32):int(side * 0.68)] = True
    return hole


def score_text(setting, item, out):
    s = setting.score(item, setting.finish(item, out))
    if setting.task == "colorize":
        return f"AuC {s['auc']:.3f}"
    return f"{s['psnr']:.1f} dB"


def main():
    a = parse_args()
    build_dir = os.path.join(run.ROOT, a.build)
    model = a.model or os.path.join(build_dir, run.DEFAULT_MODEL)
    run.build(build_dir, ["cli/ganprior"] + ([] if a.model else [run.DEFAULT_MODEL]))
    cli = os.path.join(build_dir, "cli", "ganprior")
    env = dict(os.environ, GANPRIOR_MODEL_PATH=os.path.join(build_dir, "models"),
               GANPRIOR_PERCEPTUAL=run.SQUEEZENET)
    name, size = ours.model_info(cli, model, env)
    face = crop(a.photo, a.box)
    photo = FaceSet("photo", [face], [os.path.basename(a.photo)], "")
    everyone, _ = peers.all_peers()
    by_label = {m.label: m for m in everyone}
    mine = ours.Ours(a.method, cli, model, size, env)
    settings = [tasks.Setting("inpaint", "inpaint", "Inpaint", holes=[("mouth", hole_over_mouth(face.shape[0]))]),
                tasks.Setting("colorize", "colorize", "Colorize"),
                tasks.Setting("superres-x4", "superres", "Super-resolve x4", factor=4)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="ganprior-figure-") as work:
        for setting in settings:
            item = setting.items(photo)[0]
            cells = [("original", face), ("input", item.input)]
            methods = [(by_label[p], short) for p, short in PEERS[setting.task] if p in by_label] + [(mine, "ours")]
            for method, label in methods:
                out = method.run(setting, [item], work)[0][0]
                cells.append((f"{label} {score_text(setting, item, out)}", setting.finish(item, out)))
            rows.append(([setting.title, f"{face.shape[0]} px photo"], cells))
            print(f"{setting.title}: " + ", ".join(c[0] for c in cells[2:]), file=sys.stderr)
    grid.write(rows, a.out)
    print(f"wrote {a.out} (model {name}, {size[0]} px; ours = `ganprior --method {a.method}`)", file=sys.stderr)


if __name__ == "__main__":
    main()
