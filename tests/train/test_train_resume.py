"""The training program at toy scale: a run stopped half-way and resumed ends
with exactly the weights, optimiser state and counters of the same run made
in one go (models/train/train_gan.py promises resumable and deterministic);
the log's records are sane; the held-out shard is refused.

    test_train_resume.py TRAIN_GAN_PY
"""
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np
import torch
from PIL import Image

FAILED = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILED.append(what)


def write_faces(path, count=48, size=16):
    """A tar of random PNGs: the trainer only needs pictures of one size."""
    rng = np.random.default_rng(5)
    with tarfile.open(path, "w") as tar:
        for i in range(count):
            buf = io.BytesIO()
            Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(buf, "PNG")
            info = tarfile.TarInfo(f"{i:05d}.png")
            info.size = buf.tell()
            buf.seek(0)
            tar.addfile(info, buf)


def train(script, data, run, kimg, shards="toy.tar", extra=()):
    # 4 px, then 8 px faded in over 128 images: the resume lands mid-fade,
    # and R1 (every 16 steps) runs in both halves.
    cmd = [sys.executable, script, "--run", run, "--data", data, "--shards", shards,
           "--latent", "16", "--channels", "16,8", "--batch", "16,16",
           "--schedule", "0+0.128,0.128+inf", "--kimg", str(kimg), "--threads", "1",
           "--precision", "float32", "--warm", "none", "--fid-kimg", "0", "--discriminator", "pggan",
           "--sample-kimg", "1000", "--report-seconds", "0", "--checkpoint-minutes", "1000", *extra]
    return subprocess.run(cmd, capture_output=True, text=True)


def same(a, b):
    """Nested checkpoint contents equal, tensors bit for bit."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if torch.is_tensor(a):
        return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    return a == b


def main():
    script = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        write_faces(os.path.join(tmp, "toy.tar"))
        whole, halves = os.path.join(tmp, "whole"), os.path.join(tmp, "halves")
        r = train(script, tmp, whole, 0.384)
        check(r.returncode == 0, f"a run in one go (exit {r.returncode}) {r.stderr[-400:]}")
        r1 = train(script, tmp, halves, 0.192)
        r2 = train(script, tmp, halves, 0.384)
        check(r1.returncode == 0 and r2.returncode == 0, "a run in two halves")
        check("resumed at 0.2 kimg" in r2.stdout, "the second half resumes: " + r2.stdout[:80])
        a = torch.load(os.path.join(whole, "checkpoint.pt"))
        b = torch.load(os.path.join(halves, "checkpoint.pt"))
        check(a["nimg"] == b["nimg"] == 384, f"images seen {a['nimg']} and {b['nimg']}")
        for k in ("G", "G_ema", "D", "opt_G", "opt_D", "steps", "drawn"):
            check(same(a[k], b[k]), f"{k} identical after a resume")
        with open(os.path.join(whole, "log.jsonl")) as f:
            log = [json.loads(line) for line in f]
        kimg = [rec["kimg"] for rec in log]
        check(kimg == sorted(kimg) and kimg[-1] <= 0.384, "log: images seen grow")
        check(all(rec["img_per_s"] > 0 and np.isfinite(rec["loss_d"]) for rec in log),
              "log: finite losses and a positive rate")
        check({rec["res"] for rec in log} == {4, 8} and log[-1]["alpha"] == 1.0,
              "log: the run grew from 4 to 8 px and finished its fade")
        check(os.path.exists(os.path.join(whole, "samples", "latest.png")), "a sample grid is written")
        with open(os.path.join(whole, "args.json")) as f:
            check(json.load(f)["precision"] == "float32", "args.json records the precision")
        os.link(os.path.join(tmp, "toy.tar"), os.path.join(tmp, "test-000.tar"))
        r = train(script, tmp, os.path.join(tmp, "held-out"), 0.032, shards="test-000.tar")
        check(r.returncode != 0 and "held out" in r.stderr, "the held-out shard is refused")
    print(f"{len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
