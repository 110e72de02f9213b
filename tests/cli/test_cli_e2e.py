#!/usr/bin/env python3
"""test_cli_e2e.py — the ganprior command on a real (tiny) model.

usage: test_cli_e2e.py GANPRIOR MODEL

MODEL is the tiny random PGGAN the model tests build (16x16, 7 blocks);
without it the test skips (exit 77).  Checks: `info` shows the model's
metadata; `sample` is deterministic per seed and `--grid` tiles the
seeds in reading order; each inversion command writes a model-size PNG
and prints exactly one JSON line with all its keys, whose psnr matches
one recomputed here from the files in the task's own terms (whole image,
known pixels, luma, F x F block means); the same seed gives the same
result; the progress bar appears on a terminal and nowhere else; Ctrl-C
ends a run with status 130 and writes nothing.
"""
import json
import math
import os
import pty
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, done, isolated_env, run, write_png  # noqa: E402

try:
    import numpy as np
    from PIL import Image
except ImportError:  # the pixel comparisons need them; the rest does not
    np = None

EXE, MODEL = sys.argv[1], sys.argv[2]
KEYS = ['method', 'task', 'iterations', 'tune_steps', 'adversarial', 'seconds', 'loss', 'psnr']
QUICK = ['--iterations', '40', '--restarts', '1']


def load(path):
    """A PNG as float [0, 1] H x W x 3 (or H x W for masks)."""
    im = Image.open(path)
    return np.asarray(im.convert('RGB' if im.mode != 'L' else 'L'), dtype=np.float64) / 255.0


def psnr(a, b):
    mse = float(np.mean((a - b) ** 2))
    return 100.0 if mse <= 1e-10 else 10.0 * math.log10(1.0 / mse)


def luma(x):
    return x[..., 0] * 0.299 + x[..., 1] * 0.587 + x[..., 2] * 0.114


def box_down(x, f):
    h, w = x.shape[0] // f, x.shape[1] // f
    return x.reshape(h, f, w, f, 3).mean(axis=(1, 3))


def check_info(env):
    rc, out, err = run([EXE, 'info', '--model', MODEL], env)
    check(rc == 0 and not err, 'info: rc %d, stderr %r' % (rc, err))
    for needle in ['name:        pggan-tiny-random', 'family:      pggan', 'size:        16 x 16',
                   'latent:      32, normal', 'range:       [-1, 1]', 'parameters:  51,155',
                   'licence:     test fixture', 'blocks:      7 (split points for --layer: 1..6)',
                   'block 0    32 channels', 'block 6    16 channels', 'provenance:  ']:
        check(needle in out, 'info lacks %r:\n%s' % (needle, out))


def check_sample(tmp, env):
    paths = [os.path.join(tmp, n) for n in ['s3.png', 's3again.png', 's4.png', 'grid.png']]
    for path, seed in zip(paths[:3], ['3', '3', '4']):
        rc, out, err = run([EXE, 'sample', '--model', MODEL, '--seed', seed, '-o', path], env)
        check(rc == 0 and not out and not err, 'sample --seed %s: rc %d %r' % (seed, rc, err))
    data = [open(p, 'rb').read() if os.path.exists(p) else b'' for p in paths[:3]]
    check(data[0] and data[0] == data[1], 'sample is not deterministic for one seed')
    check(data[0] != data[2], 'seeds 3 and 4 gave the same sample')
    rc, out, err = run([EXE, 'sample', '-m', MODEL, '-s', '3', '--grid', '3', '-o', paths[3]], env)
    check(rc == 0, 'sample --grid 3: rc %d %r' % (rc, err))
    if np is None or rc != 0:
        return
    grid, s3, s4 = load(paths[3]), load(paths[0]), load(paths[2])
    check(s3.shape == (16, 16, 3), 'sample shape %s' % (s3.shape,))
    check(grid.shape == (48, 48, 3), 'grid shape %s' % (grid.shape,))
    check(np.array_equal(grid[:16, :16], s3), 'grid tile 0 is not seed 3')
    check(np.array_equal(grid[:16, 16:32], s4), 'grid tile 1 is not seed 4')


def invert(env, task, args):
    """Runs an inversion; returns (rc, parsed JSON or None, stderr)."""
    rc, out, err = run([EXE, task, '--model', MODEL] + args, env)
    lines = out.splitlines()
    check(len(lines) == 1, '%s: want one stdout line, got %r' % (task, out))
    try:
        report = json.loads(lines[0]) if lines else None
    except ValueError:
        report = None
    check(isinstance(report, dict), '%s: stdout is not a JSON object: %r' % (task, out))
    return rc, report, err


def check_report(task, report, method, iterations):
    if not isinstance(report, dict):
        return
    check(list(report) == KEYS, '%s: keys %s, want %s' % (task, list(report), KEYS))
    check(report.get('method') == method and report.get('task') == task,
          '%s: method/task %r' % (task, report))
    check(isinstance(report.get('iterations'), int) and 1 <= report['iterations'] <= iterations,
          '%s: iterations %r' % (task, report.get('iterations')))
    for key in ['seconds', 'loss', 'psnr']:
        check(isinstance(report.get(key), (int, float)) and report[key] >= 0,
              '%s: %s = %r' % (task, key, report.get(key)))


def check_tasks(tmp, env):
    src = os.path.join(tmp, 's3.png')
    low = write_png(os.path.join(tmp, 'low.png'), 4, 4,
                    lambda x, y: (40 + 50 * x, 200 - 40 * y, 90 + 10 * x * y))
    mask = write_png(os.path.join(tmp, 'mask.png'), 16, 16,
                     lambda x, y: (255,) * 3 if 3 <= x < 11 and 5 <= y < 12 else (0,) * 3)
    runs = [('reconstruct', [src], 'multicode'), ('inpaint', [src, '--mask', mask], 'multicode'),
            ('colorize', [src], 'single'), ('superres', [low, '--factor', '4'], 'multicode')]
    for task, inputs, method in runs:
        out = os.path.join(tmp, task + '.png')
        args = ['-i'] + inputs + ['-o', out, '--method', method] + QUICK
        rc, report, err = invert(env, task, args)
        check(rc == 0 and '\r' not in err, '%s: rc %d, stderr %r' % (task, rc, err))
        check_report(task, report, method, 40)
        if np is None or rc != 0 or not isinstance(report, dict):
            continue
        result = load(out)
        check(result.shape == (16, 16, 3), '%s: output shape %s' % (task, result.shape))
        want = {'reconstruct': lambda: psnr(result, load(src)),
                'inpaint': lambda: psnr(result[load(mask) < 0.5], load(src)[load(mask) < 0.5]),
                'colorize': lambda: psnr(luma(result), luma(load(src))),
                'superres': lambda: psnr(box_down(result, 4), load(low))}[task]()
        # The JSON value is computed before the output is rounded to 8 bits.
        print('%s psnr %.3f recomputed %.3f' % (task, report['psnr'], want))
        check(abs(report['psnr'] - want) < 0.1,
              '%s: psnr %.3f, recomputed from the files %.3f' % (task, report['psnr'], want))


def check_determinism(tmp, env):
    outs = [os.path.join(tmp, 'det%d.png' % i) for i in range(2)]
    for out in outs:
        invert(env, 'reconstruct', ['-i', os.path.join(tmp, 's3.png'), '-o', out, '--seed', '7',
                                    '--layer', '3', '--codes', '3'] + QUICK)
    data = [open(p, 'rb').read() if os.path.exists(p) else None for p in outs]
    check(data[0] is not None and data[0] == data[1], 'the same seed gave different results')


def run_on_tty(argv, env):
    """Runs argv with stderr on a pseudo-terminal; returns (rc, stdout, stderr),
    or None where the machine has no pseudo-terminals (a bare chroot)."""
    try:
        master, slave = pty.openpty()
    except OSError as e:
        print('skip: the progress bar on a terminal: %s' % e)
        return None
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = p.stdout.read().decode()
    return p.wait(), out, b''.join(chunks).decode(errors='replace')


def check_progress(tmp, env):
    argv = [EXE, 'reconstruct', '--model', MODEL, '-i', os.path.join(tmp, 's3.png'),
            '-o', os.path.join(tmp, 'tty.png'), '--iterations', '60', '--plateau', '0']
    result = run_on_tty(argv, env)
    if result is None:
        return
    rc, out, err = result
    check(rc == 0, 'progress run: rc %d, %r' % (rc, err))
    check('reconstruct [' in err and '60/60' in err and 'loss ' in err,
          'no progress bar on a terminal: %r' % err)
    check(err.count('\r') >= 2 and '\x1b[K' in err, 'the bar is not redrawn and erased: %r' % err)
    check(out.count('\n') == 1 and out.startswith('{'), 'stdout on a tty run: %r' % out)


def check_cancel(tmp, env):
    out = os.path.join(tmp, 'cancelled.png')
    with open(out, 'wb') as f:
        f.write(b'keep me')
    argv = [EXE, 'reconstruct', '--model', MODEL, '-i', os.path.join(tmp, 's3.png'), '-o', out,
            '--iterations', '1000000', '--plateau', '0']
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(0.5)
    check(p.poll() is None, 'the long run ended before Ctrl-C')
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=30)
    err = stderr.decode()
    check(p.returncode == 130, 'Ctrl-C: exit %s, want 130 (%r)' % (p.returncode, err))
    check('cancelled' in err and not stdout, 'Ctrl-C: stdout %r, stderr %r' % (stdout, err))
    check(open(out, 'rb').read() == b'keep me', 'Ctrl-C: the existing output was replaced')
    check(sorted(f for f in os.listdir(tmp) if f.startswith('cancelled')) == ['cancelled.png'],
          'Ctrl-C left a temporary file')


def main():
    if not os.path.isfile(MODEL):
        print('skipped: the test model %s was not built (needs /usr/bin/python3 with torch)' % MODEL)
        return 77
    tmp = tempfile.mkdtemp(prefix='cli-e2e.')
    try:
        env = isolated_env(tmp)
        check_info(env)
        check_sample(tmp, env)
        check_tasks(tmp, env)
        check_determinism(tmp, env)
        check_progress(tmp, env)
        check_cancel(tmp, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if np is None:
        print('numpy or PIL missing: the pixel comparisons were skipped')
    return done()


if __name__ == '__main__':
    sys.exit(main())
