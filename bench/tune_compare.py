#!/usr/bin/python3
"""tune_compare.py — generator tuning (PTI, `--tune`) against the plain
multi-code inversion on real held-out faces through the 32 px CelebA
DCGAN.

usage: bench/tune_compare.py BUILD WORKDIR [--faces N] [--tasks ...]
           [--config NAME:ARGS ...]

BUILD is a build dir (its cli/ganprior and
tests/celeba32-dcgan.safetensors are used); WORKDIR (outside the
repository) gets the inputs and every result.  Faces: the first N JPEGs
of the held-out shard shared/data/faces128/test-000.tar only (never a
training shard), Lanczos-resized to 32x32.  Tasks, masks and scores are
subspace_compare.py's (shared from there): PSNR and SSIM of the result
against the original colour face, the known pixels pasted back for
inpainting.  Reconstruction compares several tuning lengths and both
scopes (G2, all layers); the other tasks compare no tuning with 100
steps.  Prints one Markdown table, with seconds per
inversion as the CLI reports them.
"""
import argparse
import os
import shutil
import sys

import numpy as np

from subspace_compare import load_faces, load_masks, prepare, run_all

RECONSTRUCT = {
    'multicode': [],
    'tune 100': ['--tune', '100'],
    'tune 300': ['--tune', '300'],
    'tune 300 all': ['--tune', '300', '--tune-all'],
}
OTHER = {
    'multicode': [],
    'tune 100': ['--tune', '100'],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('build')
    ap.add_argument('work')
    ap.add_argument('--faces', type=int, default=100, help='held-out test faces')
    ap.add_argument('--tasks', nargs='+', default=['reconstruct', 'inpaint', 'colorize', 'superres'])
    ap.add_argument('--config', action='append', default=[],
                    help='NAME:ARGS (space-separated ganprior arguments) replacing the configurations')
    args = ap.parse_args()
    exe = os.path.join(args.build, 'cli', 'ganprior')
    for sub in ['in', 'out']:
        os.makedirs(os.path.join(args.work, sub), exist_ok=True)
    model = shutil.copy(os.path.join(args.build, 'tests', 'celeba32-dcgan.safetensors'), args.work)
    faces = [f for f in load_faces(args.faces) if f[0] == 'test']
    items = prepare(args.work, faces, load_masks())
    custom = {c.split(':', 1)[0]: c.split(':', 1)[1].split() for c in args.config}
    print('%d held-out faces from test-000, 32x32, celeba32-dcgan, multicode defaults\n' % len(items))
    print('| task | configuration | PSNR | SSIM | seconds |')
    print('|---|---|---|---|---|')
    tasks = list(args.tasks)
    for task in tasks:
        configs = custom or (RECONSTRUCT if task == 'reconstruct' else OTHER)
        args.tasks = [task]
        rows = run_all(args, exe, model, items, configs)
        for name in configs:
            r = rows[(task, name)]
            print('| %s | %s | %.2f | %.3f | %.2f |' % (task, name, r[:, 0].mean(), r[:, 1].mean(),
                                                       r[:, 2].mean()), flush=True)


if __name__ == '__main__':
    sys.exit(main())
