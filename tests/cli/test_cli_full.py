#!/usr/bin/env python3
"""test_cli_full.py — `--full`: the command's results merged at the
picture's own resolution through the bridge, as the plug-in merges them.

usage: test_cli_full.py GANPRIOR MODEL   (the tiny random PGGAN; skip 77 without it)

On a 40x36 picture (not the model's size or shape): reconstruct writes a
picture-size image; inpaint changes no pixel outside the mask's white
part and every pixel inside it; colorize keeps CIE L* within 8-bit
rounding and adds colour; superres x2 writes twice the size, and its 2x2
block means give the picture back; each report's psnr is the one the
written file gives; a wrong-shape mask is refused; JPEG,
TIFF and WebP pictures are read by their content (lossless TIFF and WebP
as the same pixels as a PNG) and -o writes the format its extension names.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, done, isolated_env, run, write_png  # noqa: E402
# CIE L* as the GIMP tests judge it: --full merges exactly as the plug-in does.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'gimp'))
from check_filters import lightness  # noqa: E402

import numpy as np
from PIL import Image

EXE, MODEL = sys.argv[1], sys.argv[2]
if not os.path.exists(MODEL):
    print('skip: no model', MODEL)
    sys.exit(77)
QUICK = ['--iterations', '30', '--restarts', '1', '--full']
W, H = 40, 36


def load(path):
    return np.asarray(Image.open(path).convert('RGB'), dtype=np.float64)


def psnr(a, b):
    """PSNR in dB of 8-bit arrays a and b, as values in [0, 1]."""
    mse = np.mean((a / 255.0 - b / 255.0) ** 2)
    return 10 * np.log10(1.0 / mse) if mse > 1e-10 else 100.0


def luma(rgb):
    return rgb @ np.array([0.299, 0.587, 0.114])


def same_psnr(task, report, want):
    """The report's psnr against want, taken here on the written file.
    The report's is of the float result, before the file's 8-bit rounding
    and clipping to [0, 1] (0.2 dB apart on the random model's
    reconstruction); counting the wrong pixels or channels would be
    several dB off.  An exact result reports 100, its file ~60 dB."""
    got = report['psnr']
    ok = want > 40 if got == 100 else abs(got - want) <= 0.5
    check(ok, '%s --full reports psnr %.3f; the written file gives %.3f' % (task, got, want))


def invert(task, args, env):
    status, out, err = run([EXE, task, '-m', MODEL] + args + QUICK, env=env)
    check(status == 0, '%s --full exits 0 (%s)' % (task, err.strip()))
    report = None
    if status == 0:
        report = json.loads(out.strip().splitlines()[-1])
        check(report['task'] == task, '%s --full reports its task' % task)
    # The 40x36 picture is not the model's shape: every task but inpainting
    # (which works on the hole's neighbourhood) says the model sees it stretched.
    check(('stretched to' in err) == (task != 'inpaint'),
          '%s --full: the stretch note %s' % (task, 'missing' if task != 'inpaint' else 'printed'))
    return report


def check_formats(tmp, env):
    """Photos come as JPEG, TIFF and WebP: each is read (by its content,
    whatever its name) to the same model-size target as the same pixels in
    a PNG, and -o writes the format its extension names."""
    rng = np.random.default_rng(3)
    pixels = (rng.random((16, 16, 3)) * 255).astype(np.uint8)
    Image.fromarray(pixels).save(os.path.join(tmp, 'ref.png'))
    status, out, _ = run([EXE, 'reconstruct', '-m', MODEL, '-i', os.path.join(tmp, 'ref.png'), '-o',
                          os.path.join(tmp, 'ref-out.png')] + QUICK, env=env)
    want = json.loads(out)['psnr'] if status == 0 else None
    for ext, kw in (('tif', {}), ('webp', {'lossless': True})):
        src = os.path.join(tmp, 'in.' + ext)
        Image.fromarray(pixels).save(src, **kw)
        status, out, err = run([EXE, 'reconstruct', '-m', MODEL, '-i', src, '-o',
                                os.path.join(tmp, 'out-%s.png' % ext)] + QUICK, env=env)
        check(status == 0 and json.loads(out)['psnr'] == want,
              'a lossless %s reads as the same pixels as the PNG (rc %d, %s %s)' % (ext, status, out, err))
    jpg = os.path.join(tmp, 'photo.dat')   # a JPEG by content, not by name
    Image.fromarray(pixels).save(jpg, 'JPEG', quality=95)
    for ext, fmt in (('jpg', 'JPEG'), ('tiff', 'TIFF'), ('webp', 'WEBP'), ('png', 'PNG')):
        dst = os.path.join(tmp, 'result.' + ext)
        status, _, err = run([EXE, 'reconstruct', '-m', MODEL, '-i', jpg, '-o', dst] + QUICK, env=env)
        ok = status == 0 and os.path.isfile(dst)
        check(ok and Image.open(dst).format == fmt and Image.open(dst).size == (16, 16),
              '-o %s writes %s (rc %d, %s)' % (dst, fmt, status, err))
    leftovers = [f for f in os.listdir(tmp) if '.tmp-' in f]
    check(not leftovers, 'temporary files left behind: %s' % leftovers)


def main():
    tmp = tempfile.mkdtemp()
    env = isolated_env(tmp)
    path = lambda name: os.path.join(tmp, name)

    colour = lambda x, y: (40 + 5 * x, 60 + 4 * y, 200 - 3 * x)
    write_png(path('in.png'), W, H, colour)
    write_png(path('gray.png'), W, H, lambda x, y: (sum(colour(x, y)) // 3,) * 3)
    hole = lambda x, y: 10 <= x < 22 and 8 <= y < 20
    write_png(path('mask.png'), W, H, lambda x, y: (255,) * 3 if hole(x, y) else (0,) * 3)
    picture = load(path('in.png'))
    inside = np.array([[hole(x, y) for x in range(W)] for y in range(H)])

    report = invert('reconstruct', ['-i', path('in.png'), '-o', path('rec.png')], env)
    if report:
        check(load(path('rec.png')).shape == (H, W, 3), 'reconstruct --full: the picture size')
        same_psnr('reconstruct', report, psnr(load(path('rec.png')), picture))

    report = invert('inpaint', ['-i', path('in.png'), '--mask', path('mask.png'),
                                '-o', path('fill.png')], env)
    if report:
        # The merge keeps the known pixels exactly, so psnr is the model's
        # fit to them, not a constant 100.
        check(report['psnr'] is not None and 0 < report['psnr'] < 100,
              'inpaint --full: psnr is the fit (%s)' % report['psnr'])
        out = load(path('fill.png'))
        check(np.array_equal(out[~inside], picture[~inside]),
              'inpaint --full: no pixel outside the mask changes')
        changed = np.abs(out[inside] - picture[inside]).sum(axis=1) > 0
        check(changed.mean() > 0.9, 'inpaint --full: the masked pixels change (%.2f)'
              % changed.mean())

    report = invert('colorize', ['-i', path('gray.png'), '-o', path('col.png')], env)
    if report:
        gray, out = load(path('gray.png')), load(path('col.png'))
        same_psnr('colorize', report, psnr(luma(out), luma(gray)))
        dl = np.abs(lightness(out) - lightness(gray)).max()
        check(dl <= 1.0, 'colorize --full keeps L* (max diff %.3f)' % dl)
        check(np.abs(out - out.mean(axis=2, keepdims=True)).mean() > 0.5,
              'colorize --full adds colour')

    report = invert('superres', ['-i', path('in.png'), '--factor', '2', '-o', path('big.png')], env)
    if report:
        out = load(path('big.png'))
        check(out.shape == (2 * H, 2 * W, 3), 'superres --full x2: twice the size')
        if out.shape == (2 * H, 2 * W, 3):
            back = out.reshape(H, 2, W, 2, 3).mean(axis=(1, 3))
            same_psnr('superres', report, psnr(back, picture))
            err = np.abs(back - picture).max()
            check(err <= 3.0, 'superres --full reduces back to the picture (max %.2f levels)' % err)

    write_png(path('wide.png'), 2 * W, H, lambda x, y: (255, 255, 255))
    status, _, err = run([EXE, 'inpaint', '-m', MODEL, '-i', path('in.png'), '--mask',
                          path('wide.png'), '-o', path('bad.png')] + QUICK, env=env)
    check(status == 1 and 'different shape' in err and not os.path.exists(path('bad.png')),
          'a wrong-shape mask is refused with --full too')
    check_formats(tmp, env)
    return done()


if __name__ == '__main__':
    sys.exit(main())
