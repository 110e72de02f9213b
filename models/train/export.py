"""Writes the shipped model files from a training run: the EMA generator at
the level it has grown to, converted to the engine's PGGAN layout (F16 by
default) with the training facts in its metadata, and its discriminator
beside it (NAME-disc.safetensors) for generator tuning's adversarial terms.

    /usr/bin/python3 models/train/export.py RUN_DIR models/faces64.safetensors
"""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import train_gan  # noqa: E402
import safetensors_io  # noqa: E402
from convert_pggan import convert  # noqa: E402

LICENCE = ("weights: the ganprior project, GPL-3.0-or-later; trained on UTKFace face crops, "
           "whose terms allow non-commercial research use only")

# Where the training faces put their five points (eye centres, the
# person's right first; nose tip; mouth corners), in unit coordinates of
# the square image: measured by models/face_frame.py on the training crops
# (the same figures as engine/faces/frame.c's default).  Stored as the
# model's ganprior.face_frame so faces are aligned to the data it learnt.
FACE_FRAME = [[0.2898, 0.2845], [0.6778, 0.2844], [0.4825, 0.5140], [0.3163, 0.6841], [0.6486, 0.6881]]


def generator_metadata(training=None):
    """The extra metadata of an exported generator: its face frame and, when
    given, how it was trained."""
    extra = {"ganprior.face_frame": json.dumps(FACE_FRAME)}
    if training is not None:
        extra["ganprior.training"] = json.dumps(training)
    return extra


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


def discriminator_file(state, channels, level):
    """(tensors, arch) of the discriminator at `level` as a "sequential"
    model file (models/README.md, Discriminators): the tuning's adversarial
    terms run it on one image at a time.  With one image the minibatch
    standard-deviation channel is the constant sqrt(1e-8) = 1e-4; it is
    folded into the following convolution's bias (exact away from the 4×4
    map's border, off there by 1e-4 × a few weights)."""
    s2 = math.sqrt(2.0)
    tensors, layers = {}, []

    def conv(name, src, cin, cout, k, weight=None, bias=None):
        tensors[name + ".weight"] = (state[src + ".weight"] if weight is None else weight).numpy()
        tensors[name + ".bias"] = (state[src + ".bias"] if bias is None else bias).numpy()
        layers.append({"type": "conv2d", "name": name, "cin": cin, "cout": cout, "k": k, "stride": 1,
                       "pad": k // 2, "bias": True, "scale": s2 / math.sqrt((cin + (src == "final_conv")) * k * k)})
        layers.append({"type": "lrelu", "slope": 0.2})

    conv(f"from_rgb{level}", f"from_rgb{level}", 3, channels[level], 1)
    for i in range(level, 0, -1):
        conv(f"conv{i}a", f"conv{i}a", channels[i], channels[i], 3)
        conv(f"conv{i}b", f"conv{i}b", channels[i], channels[i - 1], 3)
        layers.append({"type": "avgpool", "k": 2, "stride": 2})
    c = channels[0]
    w = state["final_conv.weight"]
    scale = s2 / math.sqrt((c + 1) * 9)
    conv("final_conv", "final_conv", c, c, 3, weight=w[:, :c].contiguous(),
         bias=state["final_conv.bias"] + 1e-4 * scale * w[:, c].sum(dim=(1, 2)))
    for name, cin, cout, gain in (("final_dense", c * 16, c, s2), ("logit", c, 1, 1.0)):
        tensors[name + ".weight"] = state[name + ".weight"].numpy()
        tensors[name + ".bias"] = state[name + ".bias"].numpy()
        layers.append({"type": "dense", "name": name, "in": cin, "out": [cout, 1, 1], "bias": True,
                       "scale": gain / math.sqrt(cin)})
        if name == "final_dense":
            layers.append({"type": "lrelu", "slope": 0.2})
    res = 4 << level
    arch = {"family": "sequential", "input": [3, res, res], "layers": layers}
    return tensors, arch


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
    targs, ckpt, level, alpha = train_gan.load_run(a.run)
    if a.level is not None:
        if a.level > level:
            sys.exit(f"export: the run has only grown to level {level}")
        level, alpha = a.level, 1.0
    if alpha < 1.0:
        sys.exit(f"export: level {level} is still fading in (alpha {alpha:.3f}); "
                 f"export level {level - 1} with --level or train on")
    tensors, arch = convert(truncated(ckpt["G_ema"], level))
    channels = [int(c) for c in targs["channels"].split(",")]
    # A projected D runs Darknet in PyTorch, which the engine cannot: tuning
    # then needs one made by models/train_discriminator.py for this generator.
    projected_d = targs.get("discriminator") == "projected"
    if not projected_d:
        disc_tensors, disc_arch = discriminator_file(ckpt["D"], channels, level)
    training = {"program": "models/train/train_gan.py", "commit": git_commit(),
                "images_seen": int(ckpt["nimg"]), "hours": round(ckpt["seconds"] / 3600, 2),
                "date": datetime.date.today().isoformat(),
                "data": "../shared/data/faces128 shard-000..004 (21,044 UTKFace crops; test-000 held out)",
                "recipe": {k: targs.get(k, "pggan" if k == "discriminator" else None) for k in (
                    "schedule", "batch", "lr", "lr_d", "discriminator", "r1", "r1_every", "ema_kimg",
                    "augment", "seed", "channels", "latent")}}
    name = a.name or os.path.splitext(os.path.basename(a.output))[0]
    args = argparse.Namespace(output=a.output, name=name, licence=LICENCE, dtype=a.dtype,
                              provenance=f"ganprior models/train/train_gan.py run, EMA generator, "
                                         f"{ckpt['nimg'] / 1000:.0f} kimg")
    safetensors_io.write_model(args, tensors, arch, extra=generator_metadata(training))
    if projected_d:
        print(f"wrote {a.output}: {arch['resolution']} px, {ckpt['nimg'] / 1000:.1f} kimg, {a.dtype}; "
              "the run's D is a projected one: make the engine's with models/train_discriminator.py")
        return
    disc = os.path.splitext(a.output)[0] + "-disc.safetensors"
    args.output, args.name = disc, name + "-disc"
    args.provenance = args.provenance.replace("EMA generator", "discriminator")
    safetensors_io.write_model(args, disc_tensors, disc_arch)
    print(f"wrote {a.output} and {disc}: {arch['resolution']} px, {ckpt['nimg'] / 1000:.1f} kimg, {a.dtype}")


if __name__ == "__main__":
    main()
