"""Quality benchmark of project issue #6: every task x method on a fixed
set of faces, scored alike; writes a Markdown table and a picture grid.

  bench/quality/run.sh [--build DIR] [--model M] [--method SPEC ...]
                       [--limit N] [--settings KEYS] [--out DIR] [--grid PNG]

See bench/quality/README.md.  Progress goes to stderr.
"""
import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import dataset
import grid
import ours
import peers
import report
import tasks
from perceptual import Distance

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_MODEL = "tests/celeba32-dcgan.safetensors"  # in the build dir


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="meson build dir, relative to the repo (default: build)")
    ap.add_argument("--model", help=f"generator for ours (default: BUILD/{DEFAULT_MODEL}, the 32 px CelebA DCGAN)")
    ap.add_argument("--method", action="append", metavar="NAME[:ARGS]",
                    help="an ours method and extra CLI arguments, repeatable "
                         "(default: single and multicode), e.g. --method 'subspace:--tune 5'")
    ap.add_argument("--limit", type=int, help="at most N faces per set (default: 100 faces128 + 20 celebahq)")
    ap.add_argument("--ours-only", action="store_true",
                    help="skip the peers (for comparing two versions of ours)")
    ap.add_argument("--settings", help="comma-separated setting keys to run (default: all; see the table)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"), help="folder for quality.md")
    ap.add_argument("--grid", default="/tmp/quality-grid.png",
                    help="picture grid PNG, outside the repo (it shows shared faces); a half-size "
                         "copy goes beside it as *-small.png")
    ap.add_argument("--grid-faces", type=int, default=2, help="sample faces per set in the grid")
    return ap.parse_args()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


SQUEEZENET = os.path.join(ROOT, "models", "squeezenet1.1.safetensors")


def build(build_dir, targets):
    """Brings the CLI and the model files up to date, as bench/run.sh does."""
    if not os.path.isfile(os.path.join(build_dir, "build.ninja")):
        subprocess.run(["meson", "setup", build_dir], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", build_dir, *targets], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def tree_state():
    """Short commit hash, and whether the working tree differs from it.
    GIT_OPTIONAL_LOCKS=0: git status must not refresh (write) the index."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, env=env).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, env=env).stdout.strip()
    return head, bool(dirty)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def summarise(scores, secs, dists):
    """Means over a row's inputs.  An output identical to its reference
    has an infinite PSNR (the gray floor on a face that was gray already):
    such outputs are left out of that mean and counted, since any finite
    stand-in (the CLI reports 100 dB) would move the mean by dB; a row of
    only identical outputs is inf.  PSNR also gets its standard error."""
    wall, cpu = np.mean(np.array(secs), axis=0)
    out = {"n": len(scores), "wall": float(wall), "cpu": float(cpu), "dist": float(np.mean(dists))}
    for k in scores[0]:
        v = np.array([s[k] for s in scores], dtype=np.float64)
        finite = v[np.isfinite(v)]
        if len(finite) == 0:
            out[k] = np.inf
            continue
        out[k] = float(np.mean(finite))
        out[k + "_identical"] = len(v) - len(finite)
        if k == "psnr" and len(finite) > 1:
            out["psnr_se"] = float(np.std(finite, ddof=1) / np.sqrt(len(finite)))
    return out


def in_grid(setting, item, nfaces):
    """The sample inputs shown in the grid: the first faces of each set,
    each with a different mask for inpaint-masks."""
    if item.index >= nfaces:
        return False
    return setting.key != "inpaint-masks" or item.variant == setting.holes[item.index % len(setting.holes)][0]


def evaluate(settings, sets, methods, distance, grid_faces, work):
    """Runs and scores every setting x set x method.  Returns the results
    ({setting key: {(set, method label): stats}}), the grid rows and the
    wall seconds spent per method, scoring included."""
    results, rows, spent = {}, [], {}
    for st in settings:
        results[st.key] = {}
        for fs in sets:
            items = st.items(fs)
            shown = [it for it in items if in_grid(st, it, grid_faces)]
            cells = {id(it): [("original", it.original), ("input", it.input)] for it in shown}
            for m in methods:
                if st.task not in m.tasks:
                    continue
                t = time.perf_counter()
                try:
                    outs, secs = m.run(st, items, work)
                except ours.Skip as e:
                    results[st.key][(fs.name, m.label)] = {"skipped": str(e)}
                    log(f"{st.key:15} {fs.name:9} {m.label:24} skipped: {e}")
                    continue
                outs = [st.finish(it, o) for it, o in zip(items, outs)]
                scores = [st.score(it, o) for it, o in zip(items, outs)]
                r = summarise(scores, secs, distance(outs, [it.original for it in items]))
                results[st.key][(fs.name, m.label)] = r
                spent[m.label] = spent.get(m.label, 0.0) + time.perf_counter() - t
                for it, o in zip(items, outs):
                    if id(it) in cells:
                        cells[id(it)].append((m.label, o))
                log(f"{st.key:15} {fs.name:9} {m.label:24} PSNR {r['psnr']:6.2f}  "
                    f"({time.perf_counter() - t:.1f} s, {len(items)} inputs)")
            for it in shown:
                variant = f" {it.variant}" if st.task == "inpaint" else ""
                rows.append(([st.key, f"{fs.name} #{it.index}{variant}"], cells[id(it)]))
    return results, rows, spent


def main():
    a = parse_args()
    started = time.perf_counter()
    torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", "2")))
    build_dir = os.path.join(ROOT, a.build)
    model = a.model or os.path.join(build_dir, DEFAULT_MODEL)
    targets = ["cli/ganprior"] + ([] if a.model else [DEFAULT_MODEL])
    log(f"building {', '.join(targets)} in {build_dir}")
    build(build_dir, targets)
    cli = os.path.join(build_dir, "cli", "ganprior")
    # Models in the build's models/ folder; the perceptual network as shipped.
    env = dict(os.environ, GANPRIOR_MODEL_PATH=os.path.join(build_dir, "models"),
               GANPRIOR_PERCEPTUAL=SQUEEZENET)
    model_name, size = ours.model_info(cli, model, env)

    sets, masks = dataset.load(ROOT, a.limit)
    settings = tasks.settings(masks)
    if a.settings:
        keys = a.settings.split(",")
        unknown = set(keys) - {s.key for s in settings}
        if unknown:
            raise SystemExit(f"quality: unknown settings {sorted(unknown)}; known: {[s.key for s in settings]}")
        settings = [s for s in settings if s.key in keys]
    methods, notes = ([], []) if a.ours_only else peers.all_peers()
    if size != (dataset.SIZE, dataset.SIZE):
        methods.append(ours.ResizeBound(size))
    mine = [ours.Ours(spec, cli, model, size, env) for spec in (a.method or ["single", "multicode"])]
    learnt = ours.ensure_subspaces(cli, model, mine, env)
    notes += [learnt] if learnt else []
    methods += mine
    work = tempfile.mkdtemp(prefix="ganprior-quality-")
    try:
        results, rows, spent = evaluate(settings, sets, methods, Distance(dataset.shared_dir(ROOT)),
                                        a.grid_faces, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for m in methods:
        notes += [f"{m.label}: ganprior noted \"{n}\"" for n in sorted(getattr(m, "notes", ()))]
    head, dirty = tree_state()
    run = {"command": " ".join(["bench/quality/run.sh"] + sys.argv[1:]), "commit": head, "dirty": dirty,
           "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
           "machine": f"{cpu_name()}, {os.cpu_count()} cores, "
                      f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}",
           "minutes": (time.perf_counter() - started) / 60, "sets": sets, "masks": masks,
           "model": (model_name, size, os.path.relpath(model, ROOT)), "set_size": dataset.SIZE,
           "notes": notes, "spent": spent, "grid": (a.grid, len(rows))}
    os.makedirs(a.out, exist_ok=True)
    md = os.path.join(a.out, "quality.md")
    report.write(md, run, settings, sets, methods, results)
    small = os.path.splitext(a.grid)[0] + "-small.png"
    grid.write(rows, a.grid, small)
    log(f"wrote {md}, {a.grid} and {small} in {run['minutes']:.1f} min")


if __name__ == "__main__":
    main()
