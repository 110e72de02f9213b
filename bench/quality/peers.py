"""The peers: what a user has without a GAN prior, run exactly as measured
for the project's reference figures.

Each method has a label, the tasks it does, and run(setting, items,
workdir) -> (outputs, [(wall, cpu) seconds] per image); outputs are
uint8 [128, 128, 3].

  harmonic        Laplace's equation inside the hole, known pixels as the
                  boundary (a sparse direct solve, 4-neighbour stencil,
                  no flux across the image border); rounded to 8 bit.
  G'MIC           `gmic in.png mask.png inpaint_pde[0] [1] rm[1] o out.png`
                  (multi-scale transport-diffusion), the default `inpaint`
                  (fast average) and `inpaint ...,7` (patch-based, 7x7
                  patches).  Many images go through one gmic process, so
                  the seconds are its wall time per image, start-up shared.
  GEGL            gegl:scale-size with the nohalo, lohalo or cubic sampler,
                  through GEGL's GObject bindings (one process; pixel-
                  identical to the `gegl` command, which costs ~0.3-4 s of
                  start-up per image) or that command when the bindings are
                  missing.  With the default abyss policy the border
                  pixels come out partly transparent; their stored colour
                  is used as is (alpha dropped), which is what reproduces
                  the reference figures (compositing on black or white
                  costs 1.3-3 dB).
  PIL             Image.resize with LANCZOS or BICUBIC.
  ESRGAN-thick    UpscalerJS's @upscalerjs/esrgan-thick 1.0.0 (RRDN trained
                  on DIV2K; Wang et al., "ESRGAN", ECCV 2018 workshops),
                  the model of the setting's scale, run by esrgan/upscale.mjs
                  in Node on tfjs 4.11.0's wasm backend (one thread, SIMD).
                  The box-reduced input goes in whole, pixels scaled to the
                  model's [0, 1] range and back, clipped, rounded.  All the
                  images of a set go through one node process, so the
                  seconds are its wall time per image, start-up shared.
  gray            colorization's floor: the gray input itself.
"""
import os
import shutil
import subprocess

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spl
from PIL import Image

from clock import Stopwatch


def _timed(fn, items):
    """[fn(item)] and [(wall, cpu) seconds] per item."""
    outs, secs = [], []
    for it in items:
        t = Stopwatch()
        outs.append(fn(it))
        secs.append(t.split())
    return outs, secs


# ---- inpainting -----------------------------------------------------------

def harmonic_fill(img, hole):
    """img with its hole pixels replaced by the discrete harmonic
    interpolant of the surrounding known pixels (every channel alike)."""
    h, w = hole.shape
    ys, xs = np.nonzero(hole)
    n = len(ys)
    index = np.full((h, w), -1)
    index[ys, xs] = np.arange(n)
    f = img.astype(np.float64)
    diag = np.zeros(n)
    rhs = np.zeros((n, 3))
    rows, cols = [], []
    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        y2, x2 = ys + dy, xs + dx
        inside = (y2 >= 0) & (y2 < h) & (x2 >= 0) & (x2 < w)  # outside: no flux
        k, y2, x2 = np.nonzero(inside)[0], y2[inside], x2[inside]
        diag[k] += 1
        unknown = hole[y2, x2]
        rows.append(k[unknown])
        cols.append(index[y2[unknown], x2[unknown]])
        rhs[k[~unknown]] += f[y2[~unknown], x2[~unknown]]
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    a = sp.csc_matrix((-np.ones(len(rows)), (rows, cols)), shape=(n, n)) + sp.diags(diag, format="csc")
    out = f.copy()
    out[ys, xs] = spl.splu(a).solve(rhs)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


class Harmonic:
    label, tasks = "harmonic (Laplace)", {"inpaint"}

    def run(self, setting, items, workdir):
        return _timed(lambda it: harmonic_fill(it.input, it.hole), items)


class Gmic:
    tasks = {"inpaint"}
    CHUNK = 200  # jobs per gmic process: keeps the command line short

    def __init__(self, label, command):
        self.label, self.command = label, command  # command: e.g. "inpaint_pde[0] [1]"

    def run(self, setting, items, workdir):
        d = os.path.join(workdir, "gmic")
        os.makedirs(d, exist_ok=True)
        outs, secs = [], []
        for start in range(0, len(items), self.CHUNK):
            chunk = items[start:start + self.CHUNK]
            argv = ["gmic", "-v", "-1"]
            for j, it in enumerate(chunk):
                Image.fromarray(it.input).save(f"{d}/in{j}.png")
                Image.fromarray(it.hole.astype(np.uint8) * 255).save(f"{d}/mask{j}.png")
                argv += [f"{d}/in{j}.png", f"{d}/mask{j}.png", *self.command.split(),
                         "rm[1]", "o", f"{d}/out{j}.png", "rm"]
            t = Stopwatch()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            secs += [t.split(len(chunk))] * len(chunk)
            outs += [np.asarray(Image.open(f"{d}/out{j}.png").convert("RGB")) for j in range(len(chunk))]
        return outs, secs


# ---- super-resolution -----------------------------------------------------

class PilResize:
    tasks = {"superres"}

    def __init__(self, label, resample):
        self.label, self.resample = label, resample

    def run(self, setting, items, workdir):
        size = items[0].original.shape[1], items[0].original.shape[0]
        return _timed(lambda it: np.asarray(Image.fromarray(it.input).resize(size, self.resample)), items)


ESRGAN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "esrgan")


class Esrgan:
    label, tasks = "ESRGAN-thick", {"superres"}

    def run(self, setting, items, workdir):
        h, w = items[0].input.shape[:2]
        src, dst = os.path.join(workdir, "esrgan-in.raw"), os.path.join(workdir, "esrgan-out.raw")
        np.stack([it.input for it in items]).tofile(src)
        t = Stopwatch()
        r = subprocess.run(["node", os.path.join(ESRGAN_DIR, "upscale.mjs"), str(setting.factor), str(h),
                            str(w), str(len(items)), src, dst], stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"esrgan/upscale.mjs failed: {r.stderr.strip()}")
        secs = [t.split(len(items))] * len(items)
        f = setting.factor
        outs = np.fromfile(dst, np.uint8).reshape(len(items), h * f, w * f, 3)
        return list(outs), secs


def esrgan_ready():
    """None when the ESRGAN peer can run (its node_modules installed with
    `npm ci` on first use), else why not."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "ESRGAN peer skipped: no `node` or no `npm` (Debian 12 packages nodejs npm; tested with Node 20)"
    if not os.path.isdir(os.path.join(ESRGAN_DIR, "node_modules", "@upscalerjs", "esrgan-thick")):
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ESRGAN_DIR, capture_output=True, text=True)
        if r.returncode != 0:
            tail = (r.stderr.strip().splitlines() or ["no message"])[-1]
            return f"ESRGAN peer skipped: `npm ci` in bench/quality/esrgan failed: {tail}"
    return None


def _gegl_bindings():
    try:
        import gi
        gi.require_version("Gegl", "0.4")
        from gi.repository import Gegl
        Gegl.init(None)
        return Gegl
    except (ImportError, ValueError):
        return None


class GeglScale:
    tasks = {"superres"}
    _gegl = None  # the bindings, set once by all_peers; None: use the command

    def __init__(self, sampler):
        self.sampler = sampler
        self.label = f"GEGL {sampler}"

    def _scale(self, src, dst, w, h):
        g = GeglScale._gegl
        if g is None:
            subprocess.run(["gegl", src, "-o", dst, "--", "gegl:scale-size", f"x={w}", f"y={h}",
                            f"sampler={self.sampler}"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            return
        graph = g.Node()
        load = graph.create_child("gegl:load")
        load.set_property("path", src)
        scale = graph.create_child("gegl:scale-size")
        scale.set_property("x", float(w))
        scale.set_property("y", float(h))
        scale.set_property("sampler", getattr(g.SamplerType, self.sampler.upper()))
        save = graph.create_child("gegl:png-save")
        save.set_property("path", dst)
        load.link(scale)
        scale.link(save)
        save.process()

    def run(self, setting, items, workdir):
        src, dst = os.path.join(workdir, "gegl-in.png"), os.path.join(workdir, "gegl-out.png")
        h, w = items[0].original.shape[:2]

        def one(it):
            Image.fromarray(it.input).save(src)
            self._scale(src, dst, w, h)
            return np.asarray(Image.open(dst))[..., :3].copy()  # alpha dropped, see above
        return _timed(one, items)


# ---- colorization -----------------------------------------------------------

class GrayFloor:
    label, tasks = "gray (floor)", {"colorize"}

    def run(self, setting, items, workdir):
        return _timed(lambda it: it.input, items)


def all_peers():
    """The peer methods whose tools are installed, and a note on any left out."""
    methods = [Harmonic()]
    notes = []
    if shutil.which("gmic"):
        methods += [Gmic("G'MIC inpaint_pde", "inpaint_pde[0] [1]"),
                    Gmic("G'MIC inpaint", "inpaint[0] [1]"),
                    Gmic("G'MIC inpaint patch7", "inpaint[0] [1],7")]
    else:
        notes.append("G'MIC peers skipped: no `gmic` command (Debian package gmic)")
    GeglScale._gegl = _gegl_bindings()
    if GeglScale._gegl or shutil.which("gegl"):
        methods += [GeglScale(s) for s in ("nohalo", "lohalo", "cubic")]
    else:
        notes.append("GEGL peers skipped: neither GEGL's GObject bindings nor the `gegl` command")
    methods += [PilResize("PIL Lanczos", Image.LANCZOS), PilResize("PIL bicubic", Image.BICUBIC)]
    why = esrgan_ready()
    methods += [Esrgan()] if why is None else []
    notes += [why] if why else []
    methods += [GrayFloor()]
    return methods, notes
