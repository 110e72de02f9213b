#!/usr/bin/env python3
"""test_cli_faces_full.py — `--faces --full`: the task run on each face
found in a picture, in the model's frame, and blended back.

usage: test_cli_faces_full.py GANPRIOR MODEL MODELS_DIR FACES_TAR
  MODEL       the 32 px CelebA DCGAN (skip 77 without it)
  MODELS_DIR  where the face finder's networks are
  FACES_TAR   held-out faces (../shared/data/faces128/test-000.tar; skip 77
              without it)

A picture composed here, never committed: one held-out face scaled to 110
px, turned by 8 degrees and pasted at a known place into a 320x256 gray
background with faint noise.  With --faces --full:
  reconstruct changes pixels only around the face (outside a disc about
  it the picture is exact) and some inside;
  colorize keeps CIE L* everywhere within 8-bit rounding, and adds chroma
  around the face only (neutral gray far from it);
  inpaint with a hole over the face changes only the hole's pixels, and
  most of those on the face;
  superres x2 writes twice the size, reducing back to the picture;
  the report counts one face; --faces without --full is a usage error;
  a picture without a face gives the clear error and writes nothing;
  Ctrl-C while a big picture's faces are looked for stops at once (130).
"""
import io
import json
import math
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, done, isolated_env, run  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'gimp'))
from check_filters import lightness  # noqa: E402

import numpy as np
from PIL import Image

EXE, MODEL, MODELS_DIR, TAR = sys.argv[1:5]
if not os.path.exists(MODEL) or not os.path.exists(TAR):
    print('skip: no model or no held-out faces', MODEL, TAR)
    sys.exit(77)
QUICK = ['--iterations', '40', '--restarts', '0', '--full', '--faces']
W, H = 320, 256
SIZE, ANGLE, AT = 110, 8.0, (120, 60)   # the face's side, turn and top-left


def first_face():
    with tarfile.open(TAR) as tar:
        for m in tar:
            if m.isfile() and m.name.lower().endswith(('.jpg', '.jpeg', '.png')):
                return Image.open(io.BytesIO(tar.extractfile(m).read())).convert('RGB')


def compose(tmp):
    """The picture (gray, noisy background, the face pasted) and the centre
    and radius of a disc holding the pasted square."""
    rng = np.random.default_rng(5)
    bg = np.clip(0.5 + rng.normal(0, 0.02, (H, W, 1)), 0, 1) * np.ones((1, 1, 3))
    pic = Image.fromarray((bg * 255).astype(np.uint8))
    face = first_face().resize((SIZE, SIZE), Image.LANCZOS)
    rot = face.rotate(ANGLE, resample=Image.BICUBIC, expand=True)
    mask = Image.new('L', (SIZE, SIZE), 255).rotate(ANGLE, resample=Image.BICUBIC, expand=True)
    pic.paste(rot, AT, mask)
    pic.save(os.path.join(tmp, 'in.png'))
    gray = pic.convert('L').convert('RGB')
    gray.save(os.path.join(tmp, 'gray.png'))
    cx, cy = AT[0] + rot.size[0] / 2, AT[1] + rot.size[1] / 2
    return (cx, cy), SIZE / math.sqrt(2)


def load(path):
    return np.asarray(Image.open(path).convert('RGB'), dtype=np.float64)


def invert(task, args, env):
    status, out, err = run([EXE, task, '-m', MODEL] + args + QUICK, env=env, timeout=300)
    check(status == 0, '%s --faces exits 0 (%s)' % (task, err.strip()))
    if status != 0:
        return None
    report = json.loads(out.strip().splitlines()[-1])
    check(report.get('faces') == 1, '%s --faces reports one face (%s)' % (task, report))
    check('1 face found' in err and 'stretched' not in err,
          '%s --faces: notes the face found, no stretch note (%s)' % (task, err.strip()))
    return report


def main():
    tmp = tempfile.mkdtemp()
    env = isolated_env(tmp)
    env['GANPRIOR_MODEL_PATH'] = MODELS_DIR     # the face finder's networks
    path = lambda name: os.path.join(tmp, name)
    (cx, cy), radius = compose(tmp)
    yy, xx = np.mgrid[0:H, 0:W]
    dist = np.hypot(xx + 0.5 - cx, yy + 0.5 - cy)
    near = dist < radius + 4          # the pasted square and the sampler's reach
    picture = load(path('in.png'))

    if invert('reconstruct', ['-i', path('in.png'), '-o', path('rec.png')], env):
        out = load(path('rec.png'))
        check(out.shape == picture.shape, 'reconstruct --faces: the picture size')
        diff = np.abs(out - picture).sum(axis=2) > 0
        check(not diff[~near].any(), 'reconstruct --faces: %d pixels changed away from the face'
              % diff[~near].sum())
        check(diff[dist < radius / 3].mean() > 0.9, 'reconstruct --faces: the face changes (%.2f)'
              % diff[dist < radius / 3].mean())

    if invert('colorize', ['-i', path('gray.png'), '-o', path('col.png')], env):
        gray, out = load(path('gray.png')), load(path('col.png'))
        dl = np.abs(lightness(out) - lightness(gray)).max()
        check(dl <= 1.0, 'colorize --faces keeps L* (max diff %.3f)' % dl)
        chroma = np.abs(out - out.mean(axis=2, keepdims=True)).sum(axis=2)
        check(chroma[dist < radius / 3].mean() > 2.0, 'colorize --faces colours the face (%.2f)'
              % chroma[dist < radius / 3].mean())
        check(chroma[~near].max() <= 2.0, 'colorize --faces: neutral away from the face (max %.2f)'
              % chroma[~near].max())

    # a hole over the face's lower half (and a strip away from it, which
    # no face reaches and so stays as it was)
    hole = ((np.abs(xx + 0.5 - cx) < 25) & (yy + 0.5 > cy) & (yy + 0.5 < cy + 30)) | \
           ((xx >= 10) & (xx < 30) & (yy >= 10) & (yy < 30))
    Image.fromarray((hole * 255).astype(np.uint8)).save(path('mask.png'))
    if invert('inpaint', ['-i', path('in.png'), '--mask', path('mask.png'), '-o', path('fill.png')],
              env):
        out = load(path('fill.png'))
        check(np.array_equal(out[~hole], picture[~hole]), 'inpaint --faces: no pixel outside the '
              'mask changes')
        changed = np.abs(out - picture).sum(axis=2) > 0
        on_face = hole & (dist < radius / 2)
        check(changed[on_face].mean() > 0.9, 'inpaint --faces: the hole on the face changes (%.2f)'
              % changed[on_face].mean())
        check(not changed[hole & ~near].any(), 'inpaint --faces: the hole away from faces is kept')

    if invert('superres', ['-i', path('in.png'), '--factor', '2', '-o', path('big.png')], env):
        out = load(path('big.png'))
        check(out.shape == (2 * H, 2 * W, 3), 'superres --faces x2: twice the size')
        if out.shape == (2 * H, 2 * W, 3):
            back = out.reshape(H, 2, W, 2, 3).mean(axis=(1, 3))
            err = np.abs(back - picture).max()
            check(err <= 3.0, 'superres --faces reduces back to the picture (max %.2f levels)' % err)

    status, _, err = run([EXE, 'colorize', '-m', MODEL, '-i', path('gray.png'), '-o', path('x.png'),
                          '--faces'], env=env)
    check(status == 2 and '--faces works only with --full' in err,
          '--faces without --full is a usage error (rc %d, %s)' % (status, err.strip()))

    Image.fromarray((np.ones((H, W, 3)) * 128).astype(np.uint8)).save(path('blank.png'))
    status, _, err = run([EXE, 'reconstruct', '-m', MODEL, '-i', path('blank.png'),
                          '-o', path('none.png')] + QUICK, env=env)
    check(status == 1 and ('No face was found in %s.' % path('blank.png')) in err
          and 'without --faces' in err and not os.path.exists(path('none.png')),
          'no face: the clear error, nothing written (rc %d, %s)' % (status, err.strip()))
    check_stop_while_finding(tmp, env)
    return done()


def check_stop_while_finding(tmp, env):
    """Ctrl-C while the faces of a big picture (3000x2000, none in it) are
    looked for stops the finding: exit 130, "cancelled", the existing
    output kept.  (Before the finder reported progress, it ran to its end
    and the command answered "No face was found", exit 1.)"""
    rng = np.random.default_rng(9)
    big = (rng.random((2000, 3000, 1)) * 40 + 100) * np.ones((1, 1, 3))
    Image.fromarray(big.astype(np.uint8)).save(os.path.join(tmp, 'big.png'))
    out = os.path.join(tmp, 'kept.png')
    with open(out, 'wb') as f:
        f.write(b'keep me')
    p = subprocess.Popen([EXE, 'reconstruct', '-m', MODEL, '-i', os.path.join(tmp, 'big.png'),
                          '-o', out] + QUICK, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    err = err.decode()
    check(p.returncode == 130 and 'cancelled' in err,
          'Ctrl-C while finding faces: exit %s, want 130 (%s)' % (p.returncode, err.strip()))
    check(open(out, 'rb').read() == b'keep me', 'Ctrl-C while finding faces replaced the output')


if __name__ == '__main__':
    sys.exit(main())
