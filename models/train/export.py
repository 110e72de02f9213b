"""Writes the shipped generator from a training run: the EMA generator at the
level it has grown to, converted to the engine's PGGAN layout (F16 by
default) with the training facts in its metadata.

    /usr/bin/python3 models/train/export.py RUN_DIR models/faces64.safetensors
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import schedule  # noqa: E402
import safetensors_io  # noqa: E402
from convert_pggan import convert  # noqa: E402

LICENCE = ("weights: the ganprior project, GPL-3.0-or-later; trained on UTKFace face crops, "
           "whose terms allow non-commercial research use only")


def truncated(state, level):
    """The generator's state dict cut to levels 0..level (its last toRGB head
    is output{level}), as a generator grown only that far."""
    keep = {}
    for name, t in state.items():
        head = name.split(".")[0]
        if head.startswith("layer") and int(head[5:]) // 2 > level:
            continue
        if head.startswith("output") and int(head[6:]) > level:
            continue
        keep[name] = t
    keep["lod"] = torch.zeros(())
    return keep


def git_commit():
    try:
        return subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", help="training run folder (checkpoint.pt, args.json)")
    ap.add_argument("output", help="model file to write")
    ap.add_argument("--name", default=None, help="model name (default: the file's name)")
    ap.add_argument("--dtype", choices=("F32", "F16"), default="F16")
    ap.add_argument("--level", type=int, default=None, help="export a lower level than reached")
    a = ap.parse_args()
    with open(os.path.join(a.run, "args.json")) as f:
        targs = json.load(f)
    ckpt = torch.load(os.path.join(a.run, "checkpoint.pt"), map_location="cpu")
    phases = schedule.parse(targs["schedule"], len(targs["channels"].split(",")))
    level, alpha = schedule.position(phases, ckpt["nimg"], targs.get("max_level"))
    if a.level is not None:
        if a.level > level:
            sys.exit(f"export: the run has only grown to level {level}")
        level, alpha = a.level, 1.0
    if alpha < 1.0:
        sys.exit(f"export: level {level} is still fading in (alpha {alpha:.3f}); "
                 f"export level {level - 1} with --level or train on")
    tensors, arch = convert(truncated(ckpt["G_ema"], level))
    training = {"program": "models/train/train_gan.py", "commit": git_commit(),
                "images_seen": int(ckpt["nimg"]), "hours": round(ckpt["seconds"] / 3600, 2),
                "date": datetime.date.today().isoformat(),
                "data": "../shared/data/faces128 shard-000..004 (21,044 UTKFace crops; test-000 held out)",
                "recipe": {k: targs[k] for k in ("schedule", "batch", "lr", "r1", "r1_every", "ema_kimg",
                                                 "augment", "seed", "channels", "latent")}}
    name = a.name or os.path.splitext(os.path.basename(a.output))[0]
    args = argparse.Namespace(output=a.output, name=name, licence=LICENCE, dtype=a.dtype,
                              provenance=f"ganprior models/train/train_gan.py run, EMA generator, "
                                         f"{ckpt['nimg'] / 1000:.0f} kimg")
    safetensors_io.write_model(args, tensors, arch, extra={"ganprior.training": json.dumps(training)})
    print(f"wrote {a.output}: {arch['resolution']} px, {ckpt['nimg'] / 1000:.1f} kimg, {a.dtype}")


if __name__ == "__main__":
    main()
