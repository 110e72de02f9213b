#!/usr/bin/python3
"""subspace_compare.py — PmSFC's subspace method against multi-code and
single-code inversion on real faces, at about equal wall time.

usage: bench/subspace_compare.py BUILD WORKDIR [--faces N] [--tasks ...]
           [--config NAME:ARGS ...] [--grid OUT.png]

BUILD is a build dir (its cli/ganprior, tests/celeba32-dcgan.safetensors
are used, with the shipped models/squeezenet1.1.safetensors); WORKDIR (outside the
repository) gets the resized inputs, the learnt subspaces and every
result.  Faces: the first N JPEGs of the held-out shard
shared/data/faces128/test-000.tar (never a training shard) plus the 20
faces of shared/data/eval/celebahq-dev, Lanczos-resized to 32x32.
Tasks: reconstruct; inpaint (masks: the 4 of shared/data/eval/masks
resized, and a centre hole, in turn; the known pixels pasted back before
scoring); colorize (gray input); superres x4 (8x8 box-mean input).
Scores: PSNR and SSIM (Gaussian window 11, sigma 1.5, per channel) of
the 32x32 result against the original colour face.  Prints a Markdown
table per face set.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import time

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

SIZE = 32
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared')
# Method configurations at about equal wall time on the celeba32 DCGAN
# (its default split, block 1, is a 128x4x4 feature after one dense
# layer, so G1 is cheap and the code count barely changes a step's cost;
# a single-code step costs about half).  The subspaces are the defaults:
# K = 8 at block 1, P = 4 codes each (33 codes with the base).
CONFIGS = {
    'single': ['--method', 'single', '--iterations', '600'],
    'multicode': ['--method', 'multicode', '--iterations', '300'],
    'multicode33': ['--method', 'multicode', '--codes', '33', '--iterations', '300'],
    'subspace': ['--method', 'subspace', '--iterations', '300'],
}


def load_faces(n):
    faces = []
    with tarfile.open(os.path.join(SHARED, 'data', 'faces128', 'test-000.tar')) as tar:
        for m in tar:
            if m.isfile() and m.name.lower().endswith(('.jpg', '.jpeg')):
                faces.append(('test', Image.open(io.BytesIO(tar.extractfile(m).read())).convert('RGB')))
                if len(faces) == n:
                    break
    dev = os.path.join(SHARED, 'data', 'eval', 'celebahq-dev')
    for name in sorted(os.listdir(dev)):
        faces.append(('celebahq', Image.open(os.path.join(dev, name)).convert('RGB')))
    return [(s, np.asarray(im.resize((SIZE, SIZE), Image.LANCZOS), dtype=np.float64) / 255.0)
            for s, im in faces]


def load_masks():
    masks = []
    mdir = os.path.join(SHARED, 'data', 'eval', 'masks')
    for name in sorted(os.listdir(mdir)):
        im = Image.open(os.path.join(mdir, name)).convert('L').resize((SIZE, SIZE), Image.BILINEAR)
        masks.append(np.asarray(im, dtype=np.float64) / 255.0 >= 0.5)
    centre = np.zeros((SIZE, SIZE), bool)
    centre[SIZE // 4:3 * SIZE // 4, SIZE // 4:3 * SIZE // 4] = True
    return masks + [centre]


def save(path, x):
    Image.fromarray(np.clip(np.round(x * 255.0), 0, 255).astype(np.uint8)).save(path)
    return path


def load(path):
    return np.asarray(Image.open(path).convert('RGB'), dtype=np.float64) / 255.0


def psnr(a, b):
    mse = float(np.mean((a - b) ** 2))
    return 10.0 * np.log10(1.0 / max(mse, 1e-10))


def ssim(a, b):
    """Wang et al. 2004, per channel, Gaussian sigma 1.5 (truncated at 11 taps)."""
    c1, c2, vals = 0.01 ** 2, 0.03 ** 2, []
    for c in range(a.shape[2]):
        x, y = a[..., c], b[..., c]
        f = lambda v: gaussian_filter(v, 1.5, truncate=3.5, mode='reflect')  # noqa: E731
        mx, my = f(x), f(y)
        sxx, syy, sxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
        vals.append(np.mean(((2 * mx * my + c1) * (2 * sxy + c2)) /
                            ((mx * mx + my * my + c1) * (sxx + syy + c2))))
    return float(np.mean(vals))


def prepare(work, faces, masks):
    """Writes each face's task inputs; returns per-face dicts of paths."""
    items = []
    for i, (_, x) in enumerate(faces):
        d = {'gt': save(os.path.join(work, 'in', '%03d.png' % i), x)}
        gray = x @ np.array([0.299, 0.587, 0.114])
        d['gray'] = save(os.path.join(work, 'in', '%03d_gray.png' % i), np.repeat(gray[..., None], 3, 2))
        d['low'] = save(os.path.join(work, 'in', '%03d_low.png' % i),
                        x.reshape(SIZE // 4, 4, SIZE // 4, 4, 3).mean(axis=(1, 3)))
        m = masks[i % len(masks)]
        d['hole'] = m
        d['mask'] = save(os.path.join(work, 'in', '%03d_mask.png' % i), np.repeat(m[..., None] * 1.0, 3, 2))
        items.append(d)
    return items


def task_args(task, d):
    return {'reconstruct': ['-i', d['gt']],
            'inpaint': ['-i', d['gt'], '--mask', d['mask']],
            'colorize': ['-i', d['gray']],
            'superres': ['-i', d['low'], '--factor', '4']}[task]


def score(task, d, out):
    gt, y = load(d['gt']), load(out)
    if task == 'inpaint':  # what a user gets: the known pixels kept
        y = np.where(d['hole'][..., None], y, gt)
        hole = d['hole']
        return psnr(y[hole], gt[hole]), ssim(y, gt)
    return psnr(y, gt), ssim(y, gt)


def run_all(args, exe, model, items, configs):
    env = dict(os.environ, OPENBLAS_NUM_THREADS='2',
               GANPRIOR_PERCEPTUAL=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models',
                                                'squeezenet1.1.safetensors'))
    rows = {}
    for task in args.tasks:
        for name, cfg in configs.items():
            res = []
            for i, d in enumerate(items):
                out = os.path.join(args.work, 'out', '%s_%s_%03d.png' % (task, name, i))
                p = subprocess.run([exe, task, '--model', model, '-o', out, '--seed', '0'] +
                                   task_args(task, d) + cfg, capture_output=True, env=env)
                if p.returncode:
                    sys.exit('%s %s %d: %s' % (task, name, i, p.stderr.decode()))
                rep = json.loads(p.stdout)
                res.append(score(task, d, out) + (rep['seconds'], rep['iterations']))
            rows[(task, name)] = np.array(res)
            r = rows[(task, name)]
            print('%-11s %-22s PSNR %.2f SSIM %.3f %.2f s %.0f it' % (
                task, name, r[:, 0].mean(), r[:, 1].mean(), r[:, 2].mean(), r[:, 3].mean()),
                file=sys.stderr, flush=True)
    return rows


def table(rows, sets, faces, configs, tasks):
    for label, sel in sets:
        idx = [i for i, (s, _) in enumerate(faces) if s == sel]
        if not idx:
            continue
        print('\n%s (%d faces)\n' % (label, len(idx)))
        print('| task | ' + ' | '.join('%s PSNR / SSIM / s' % n for n in configs) + ' |')
        print('|---|' + '---|' * len(configs))
        for task in tasks:
            cells = []
            for n in configs:
                r = rows[(task, n)][idx]
                cells.append('%.2f / %.3f / %.2f' % (r[:, 0].mean(), r[:, 1].mean(), r[:, 2].mean()))
            print('| %s | %s |' % (task, ' | '.join(cells)))


def grid(path, work, items, configs, tasks, picks):
    """Rows: per task and face, the input then each method; 4x upscaled."""
    rows = []
    for task in tasks:
        for i in picks:
            d = items[i]
            first = {'reconstruct': d['gt'], 'inpaint': None, 'colorize': d['gray'], 'superres': d['low']}[task]
            if task == 'inpaint':
                x = load(d['gt']).copy()
                x[d['hole']] = 1.0
            else:
                x = np.asarray(Image.open(first).convert('RGB').resize((SIZE, SIZE), Image.NEAREST)) / 255.0
            tiles = [x] + [load(os.path.join(work, 'out', '%s_%s_%03d.png' % (task, n, i))) for n in configs]
            tiles.append(load(d['gt']))
            rows.append(np.concatenate(tiles, axis=1))
    img = np.concatenate(rows, axis=0)
    Image.fromarray((img * 255).astype(np.uint8)).resize((img.shape[1] * 4, img.shape[0] * 4),
                                                         Image.NEAREST).save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('build')
    ap.add_argument('work')
    ap.add_argument('--faces', type=int, default=100, help='held-out test faces (plus the 20 dev faces)')
    ap.add_argument('--no-dev', action='store_true', help='leave out the 20 celebahq-dev faces')
    ap.add_argument('--tasks', nargs='+', default=['reconstruct', 'inpaint', 'colorize', 'superres'])
    ap.add_argument('--config', action='append', default=[],
                    help='NAME:ARGS (space-separated ganprior arguments) replacing the default methods')
    ap.add_argument('--subspaces', default='', help="arguments for 'ganprior subspaces'")
    ap.add_argument('--grid', help='write a picture grid here')
    args = ap.parse_args()
    exe = os.path.join(args.build, 'cli', 'ganprior')
    for sub in ['in', 'out']:
        os.makedirs(os.path.join(args.work, sub), exist_ok=True)
    model = os.path.join(args.work, 'celeba32-dcgan.safetensors')
    with open(os.path.join(args.build, 'tests', 'celeba32-dcgan.safetensors'), 'rb') as f, open(model, 'wb') as o:
        o.write(f.read())
    t0 = time.time()
    learnt = subprocess.run([exe, 'subspaces', '--model', model] + args.subspaces.split(),
                            capture_output=True, check=True, env=dict(os.environ, OPENBLAS_NUM_THREADS='2'))
    print('subspaces: %s (%.1f s)' % (learnt.stdout.decode().strip(), time.time() - t0), file=sys.stderr)
    configs = dict(CONFIGS) if not args.config else {
        c.split(':', 1)[0]: c.split(':', 1)[1].split() for c in args.config}
    faces = load_faces(args.faces)
    if args.no_dev:
        faces = [f for f in faces if f[0] == 'test']
    items = prepare(args.work, faces, load_masks())
    rows = run_all(args, exe, model, items, configs)
    print('subspaces: ' + learnt.stdout.decode().strip())
    table(rows, [('held-out test-000', 'test'), ('celebahq-dev', 'celebahq')], faces, configs, args.tasks)
    if args.grid:
        grid(args.grid, args.work, items, configs, args.tasks, [0, 1, len(items) - 1])


if __name__ == '__main__':
    main()
