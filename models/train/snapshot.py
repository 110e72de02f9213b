"""Writes a run's G, G_ema and D weights and counters to a folder (reading the
checkpoint only, so a training still running on the run is not disturbed):
the warm start that travels to a GPU machine.

    /usr/bin/python3 models/train/snapshot.py RUN_DIR gpu-data/warm [--dtype float16]
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_gan  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("output")
    ap.add_argument("--dtype", choices=("float32", "float16"), default="float16")
    a = ap.parse_args()
    with open(os.path.join(a.run, "args.json")) as f:
        targs = train_gan.arguments(["--run", a.run])
        targs.__dict__.update(json.load(f))
    run = train_gan.Run(targs, torch.device("cpu"))
    run.load(torch.load(os.path.join(a.run, "checkpoint.pt"), map_location="cpu"))
    train_gan.save_weights(run, a.output, a.dtype)
    print(f"{a.output}: {run.nimg / 1000:.1f} kimg, {a.dtype}")


if __name__ == "__main__":
    main()
