"""Writes a run's weights and counters to a folder, reading the checkpoint
only, so a training still running on the run is not disturbed.

Two uses:
  the warm start that travels to a GPU machine (G, G_ema and D):
    /usr/bin/python3 models/train/snapshot.py RUN_DIR gpu-data/warm
  the state committed once a session, from which a run on a new machine
  resumes (G_ema and D in F16, with the run's log and distance curve):
    /usr/bin/python3 models/train/snapshot.py RUN_DIR models/train/resume --commit
"""
import argparse
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_gan  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("output")
    ap.add_argument("--dtype", choices=("float32", "float16"), default="float16")
    ap.add_argument("--commit", action="store_true",
                    help="only G_ema and D, plus the run's log.jsonl and fid.jsonl")
    a = ap.parse_args()
    with open(os.path.join(a.run, "args.json")) as f:
        saved = json.load(f)
    # runs older than --discriminator trained PGGAN's, and older than --lr-d
    # recorded no D learning rate: both resolved as the trainer would
    targs = train_gan.arguments(["--run", a.run, "--discriminator", saved.get("discriminator", "pggan")])
    targs.__dict__.update(saved)
    train_gan.discriminator_defaults(targs)
    run = train_gan.Run(targs, torch.device("cpu"))
    run.load(torch.load(os.path.join(a.run, "checkpoint.pt"), map_location="cpu"))
    nets = ("G_ema", "D") if a.commit else train_gan.NETS
    if a.commit:
        for name in train_gan.LOGS + ("args.json",):
            if os.path.exists(os.path.join(a.run, name)):
                os.makedirs(a.output, exist_ok=True)
                shutil.copyfile(os.path.join(a.run, name), os.path.join(a.output, name))
    train_gan.save_weights(run, a.output, a.dtype, nets)
    print(f"{a.output}: {' '.join(nets)} at {run.nimg / 1000:.1f} kimg, {a.dtype}")


if __name__ == "__main__":
    main()
