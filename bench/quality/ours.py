"""Ours: the built `ganprior` command, one process per image, as a user
would run it in a loop.

A method is "NAME" or "NAME:EXTRA ARGS" (e.g. "multicode:--codes 30",
"subspace:--tune 5"): --method NAME and the extra arguments go to every
call, so methods and options added to the CLI later need no change here.
When the CLI refuses a method for a task (or fails), the method is
skipped for that setting with the CLI's own message as the reason.

With --full among the extra arguments the CLI does what the GIMP plug-in
does: it takes the 128 px input (and hole) as they are, resamples to the
model itself and merges the result back at 128 (inpainting: Poisson
clone, only hole pixels change; colorization: the input's L* kept;
super-resolution: back-projection onto the low-res input).  Without it
the model works at its own size S, the set at 128, so the harness:
  - shrinks the 128 input to S with a box filter (an area mean: a model
    pixel mixes only the 128 pixels it covers, so no hole pixel leaks
    into a known one), for inpainting also the mask, a model pixel being
    a hole if any pixel it covers is;
  - gives super-resolution the low-res input itself (128/F), with
    --factor S / (128/F); where S is no larger than that input there is
    nothing for the model to enlarge and the setting is skipped;
  - scales the S x S result back to 128 with Lanczos for scoring (the
    known pixels then go back in for inpainting, as for every method).
Seconds (wall and CPU) are those of each `ganprior` process, model
loading included.  The notes the CLI prints on stderr are kept for the
report (e.g. that the perceptual loss could not be used).
"""
import json
import os
import re
import shlex
import subprocess

import numpy as np
from PIL import Image

from clock import Stopwatch


class Skip(Exception):
    """The method cannot run this setting; the message says why."""


def model_info(cli, model, env):
    """(name, (width, height)) of a model, from `ganprior info`."""
    p = subprocess.run([cli, "info", "--model", model], capture_output=True, text=True, env=env)
    size = re.search(r"^size:\s*(\d+)\s*x\s*(\d+)", p.stdout, re.M)
    name = re.search(r"^name:\s*(.+)$", p.stdout, re.M)
    if p.returncode or not size:
        raise SystemExit(f"quality: cannot read the model {model}: {p.stderr.strip() or p.stdout.strip()}")
    return (name.group(1).strip() if name else os.path.basename(model)), (int(size.group(1)), int(size.group(2)))


def _resize(img, size, shrink=Image.BOX):
    """img (uint8 array) to size (w, h): box when shrinking, Lanczos otherwise."""
    if (img.shape[1], img.shape[0]) == size:
        return img
    shrinking = size[0] < img.shape[1]
    return np.asarray(Image.fromarray(img).resize(size, shrink if shrinking else Image.LANCZOS))


def _hole_at(hole, size):
    """The hole at the model size: a pixel is a hole if any covered pixel is."""
    if (hole.shape[1], hole.shape[0]) == size:
        return hole
    if size[0] < hole.shape[1]:
        m = Image.fromarray(hole.astype(np.float32)).resize(size, Image.BOX)
        return np.asarray(m) > 0
    return np.asarray(Image.fromarray(hole.astype(np.uint8) * 255).resize(size, Image.NEAREST)) > 0


def ensure_subspaces(cli, model, methods, env):
    """The subspace method reads the model's subspaces from beside it:
    when a run asks for that method and they are missing, they are learnt
    once with `ganprior subspaces` defaults.  Returns a note, or None."""
    stem, ext = os.path.splitext(model)
    sidecar = f"{stem}.subspaces{ext}"
    wanted = any(m.method == "subspace" and "--subspaces" not in m.extra for m in methods)
    if not wanted or os.path.exists(sidecar):
        return None
    t = Stopwatch()
    p = subprocess.run([cli, "subspaces", "--model", model], capture_output=True, text=True, env=env)
    if p.returncode:
        return f"learning subspaces failed: {p.stderr.strip()}"
    wall, _ = t.split()
    return f"subspaces learnt first with `ganprior subspaces` defaults in {wall:.1f} s: {p.stdout.strip()}"


class Ours:
    tasks = {"reconstruct", "inpaint", "colorize", "superres"}

    def __init__(self, spec, cli, model, size, env):
        name, _, extra = spec.partition(":")
        self.method, self.extra = name.strip(), shlex.split(extra)
        self.label = "ours " + " ".join([self.method] + self.extra)
        self.full = "--full" in self.extra
        self.cli, self.model, self.size, self.env = cli, model, size, env
        self.notes = set()  # distinct "ganprior: note: ..." lines

    def _argv(self, setting, item, d):
        argv = [self.cli, setting.task, "--model", self.model, "-i", f"{d}/in.png", "-o", f"{d}/out.png",
                "--method", self.method, *self.extra]
        if setting.task == "superres":
            low = item.input.shape[1]
            if self.full:
                argv += ["--factor", str(item.original.shape[1] // low)]
            elif self.size[0] <= low or self.size[0] % low:
                raise Skip(f"the {self.size[0]} px model cannot enlarge a {low} px input")
            else:
                argv += ["--factor", str(self.size[0] // low)]
            Image.fromarray(item.input).save(f"{d}/in.png")
        else:
            Image.fromarray(item.input if self.full else _resize(item.input, self.size)).save(f"{d}/in.png")
        if setting.task == "inpaint":
            hole = item.hole if self.full else _hole_at(item.hole, self.size)
            Image.fromarray(hole.astype(np.uint8) * 255).save(f"{d}/mask.png")
            argv += ["--mask", f"{d}/mask.png"]
        return argv

    def run(self, setting, items, workdir):
        d = os.path.join(workdir, "ours")
        os.makedirs(d, exist_ok=True)
        outs, secs = [], []
        for it in items:
            argv = self._argv(setting, it, d)
            t = Stopwatch()
            p = subprocess.run(argv, capture_output=True, text=True, env=self.env)
            secs.append(t.split())
            if p.returncode:
                why = p.stderr.strip().splitlines()
                raise Skip(f"`ganprior {setting.task}` exit {p.returncode}: {why[0] if why else ''}")
            json.loads(p.stdout.strip().splitlines()[-1])  # the report line: proves a clean finish
            self.notes.update(line.split("note:", 1)[1].strip() for line in p.stderr.splitlines()
                              if "note:" in line and "stretched" not in line)
            out = np.asarray(Image.open(f"{d}/out.png").convert("RGB"))
            outs.append(_resize(out, (it.original.shape[1], it.original.shape[0])))
        return outs, secs


class ResizeBound:
    """Reconstruction's reference for a model smaller than 128: the face
    shrunk to the model size and scaled back, exactly as ours' results
    are, with no generator in between: what a perfect S px model scores."""
    tasks = {"reconstruct"}

    def __init__(self, size):
        self.size = size
        self.label = f"resize bound ({size[0]} px)"

    def run(self, setting, items, workdir):
        outs, secs = [], []
        for it in items:
            t = Stopwatch()
            outs.append(_resize(_resize(it.input, self.size), (it.original.shape[1], it.original.shape[0])))
            secs.append(t.split())
        return outs, secs
