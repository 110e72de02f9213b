#!/usr/bin/env python3
"""test_cli_subspace.py — `ganprior subspaces`, `--method subspace` and
`ganprior swap` on the tiny PGGAN fixture.

usage: test_cli_subspace.py GANPRIOR MODEL

Checks: `subspaces` writes the sidecar next to the model (or at -o) and
prints one JSON line whose sizes add up to the channels; the same seed
gives the same file; every inversion task runs with --method subspace,
from the sidecar or an explicit --subspaces file; `swap` writes both
pictures and one JSON line; usage errors exit 2 and runtime errors
(no sidecar, a file that is not one, an unwritable output) exit 1 with
one line, and no failure leaves a file behind; Ctrl-C stops `subspaces`
with status 130 and writes nothing.  Skips (exit 77) without MODEL.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, done, isolated_env, run, write_png  # noqa: E402

EXE, SRC_MODEL = sys.argv[1], sys.argv[2]
QUICK = ['--iterations', '30', '--restarts', '0', '--per-subspace', '2']
LEARN = ['--steps', '40', '--k', '4']


def one_json(out, what):
    lines = out.splitlines()
    check(len(lines) == 1, '%s: want one stdout line, got %r' % (what, out))
    try:
        return json.loads(lines[0])
    except (ValueError, IndexError):
        check(False, '%s: not JSON: %r' % (what, out))
        return {}


def tensor_bytes(path):
    """A safetensors file's data, after its header (whose metadata holds
    the run's seconds)."""
    data = open(path, 'rb').read()
    return data[8 + int.from_bytes(data[:8], 'little'):]


def check_learn(tmp, env, model):
    side = model.replace('.safetensors', '.subspaces.safetensors')
    rc, out, err = run([EXE, 'subspaces', '--model', model] + LEARN, env)
    check(rc == 0 and not err, 'subspaces: rc %d %r' % (rc, err))
    rep = one_json(out, 'subspaces')
    check(rep.get('file') == side and os.path.isfile(side), 'subspaces wrote %r' % rep.get('file'))
    check(rep.get('subspaces') == 4 and rep.get('layer') == 1 and rep.get('channels') == 32 and
          sum(rep.get('sizes', [])) == 32 and len(rep.get('sizes', [])) == 4,
          'subspaces report %r' % rep)
    other = os.path.join(tmp, 'again.safetensors')
    rc, out, err = run([EXE, 'subspaces', '-m', model, '-o', other] + LEARN, env)
    check(rc == 0 and tensor_bytes(other) == tensor_bytes(side),
          'the same seed gave other subspaces (rc %d %r)' % (rc, err))
    rc, out, err = run([EXE, 'subspaces', '-m', model, '-o', other, '--seed', '5', '--sparsity', 'l2',
                        '--layer', '3'] + LEARN, env)
    check(rc == 0 and one_json(out, 'l2').get('layer') == 3, 'subspaces --layer 3 --sparsity l2: %r' % err)
    return side, other


def check_tasks(tmp, env, model, layer3):
    src = os.path.join(tmp, 'in.png')
    write_png(src, 16, 16, lambda x, y: (16 * x, 200 - 8 * y, 90 + x * y // 2))
    low = write_png(os.path.join(tmp, 'low.png'), 4, 4, lambda x, y: (40 + 50 * x, 200 - 40 * y, 9))
    mask = write_png(os.path.join(tmp, 'mask.png'), 16, 16,
                     lambda x, y: (255,) * 3 if 3 <= x < 11 and 5 <= y < 12 else (0,) * 3)
    runs = [('reconstruct', [src]), ('inpaint', [src, '--mask', mask]), ('colorize', [src]),
            ('superres', [low, '--factor', '4']),
            ('reconstruct', [src, '--subspaces', layer3])]
    for task, inputs in runs:
        out = os.path.join(tmp, task + '.png')
        rc, stdout, err = run([EXE, task, '-m', model, '-i'] + inputs +
                              ['-o', out, '--method', 'subspace'] + QUICK, env)
        rep = one_json(stdout, task)
        check(rc == 0 and os.path.isfile(out) and rep.get('method') == 'subspace' and
              rep.get('task') == task and rep.get('psnr', 0) > 0, '%s: rc %d %r %r' % (task, rc, rep, err))
        os.remove(out) if os.path.exists(out) else None
    return src


def check_swap(tmp, env, model, src):
    other = write_png(os.path.join(tmp, 'b.png'), 16, 16, lambda x, y: (200 - 9 * y, 30 + 9 * x, 120))
    oa, ob = os.path.join(tmp, 'sa.png'), os.path.join(tmp, 'sb.png')
    rc, out, err = run([EXE, 'swap', '-m', model, '-a', src, '-b', other, '--subspace', '2',
                        '--output-a', oa, '--output-b', ob] + QUICK, env)
    rep = one_json(out, 'swap')
    check(rc == 0 and os.path.isfile(oa) and os.path.isfile(ob) and rep.get('subspace') == 2 and
          isinstance(rep.get('channels'), int) and 'seconds' in rep, 'swap: rc %d %r %r' % (rc, rep, err))
    return other


def failure(tmp, env, argv, want_rc, needles, outputs=()):
    outdir = os.path.join(tmp, 'out')
    before = sorted(os.listdir(outdir))
    rc, out, err = run([EXE] + argv, env)
    label = ' '.join(os.path.basename(a) for a in argv)
    check(rc == want_rc and not out, '%s: rc %d (want %d), stdout %r, stderr %r' % (label, rc, want_rc, out, err))
    for needle in needles:
        check(needle in err, '%s: stderr %r lacks %r' % (label, err, needle))
    check(len(err.splitlines()) == (2 if want_rc == 2 else 1), '%s: stderr is not one message: %r' % (label, err))
    check(sorted(os.listdir(outdir)) == before, '%s: left files: %s' % (label, os.listdir(outdir)))


def check_errors(tmp, env, model, src, other):
    outdir = os.path.join(tmp, 'out')
    os.makedirs(outdir)
    bare = os.path.join(outdir, 'bare.safetensors')
    shutil.copy(SRC_MODEL, bare)
    o = os.path.join(outdir, 'o.png')
    for cmd in ['subspaces', 'swap']:
        rc, out, err = run([EXE, cmd, '--help'], env)
        check(rc == 0 and out.startswith('Usage: ganprior ' + cmd) and 'Options:' in out, '%s --help' % cmd)
    failure(tmp, env, ['reconstruct', '-m', bare, '-i', src, '-o', o, '--method', 'subspace'], 1,
            ["needs the model's subspaces", 'ganprior subspaces', 'bare.subspaces.safetensors'])
    failure(tmp, env, ['reconstruct', '-m', bare, '-i', src, '-o', o, '--method', 'subspace',
                       '--subspaces', bare], 1, ['not a subspaces file'])
    failure(tmp, env, ['reconstruct', '-m', model, '-i', src, '-o', o, '--per-subspace', '0'], 2,
            ["invalid value '0' for --per-subspace"])
    failure(tmp, env, ['subspaces', '-m', bare, '--k', '0'], 2, ["invalid value '0' for --k"])
    failure(tmp, env, ['subspaces', '-m', bare, '--k', '33'], 2, ['--k 33 is more than the 32 channels'])
    failure(tmp, env, ['subspaces', '-m', bare, '--layer', '7'], 2, ['--layer 7 is not a split point'])
    failure(tmp, env, ['subspaces', '-m', bare, '--sparsity', 'l3'], 2, ["expected one of l1|l2"])
    failure(tmp, env, ['subspaces', '-m', bare, 'stray'], 2, ["unexpected argument 'stray'"])
    failure(tmp, env, ['subspaces', '-m', bare, '-o', os.path.join(tmp, 'no', 'dir.st')], 1, ['cannot write'])
    swap = ['swap', '-m', model, '-a', src, '-b', other, '--output-a', o]
    failure(tmp, env, swap + ['--output-b', o + '2', '--subspace', '9'], 2, ['the model has subspaces 0..3'])
    failure(tmp, env, swap + ['--subspace', '1'], 2, ['missing required option --output-b'])
    failure(tmp, env, swap + ['--output-b', o, '--subspace', '1'], 1, ['are the same file'])
    failure(tmp, env, swap + ['--output-b', o + '2', '--subspace', '1', '-m', bare], 1,
            ['learn the model\'s subspaces first'])
    failure(tmp, env, ['swap', '-m', model, '-a', os.path.join(tmp, 'none.png'), '-b', other,
                       '--output-a', o, '--output-b', o + '2', '--subspace', '1'], 1, ['none.png'])


def check_cancel(tmp, env, model):
    out = os.path.join(tmp, 'cancel.safetensors')
    p = subprocess.Popen([EXE, 'subspaces', '-m', model, '-o', out, '--steps', '1000000'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=30)
    check(p.returncode == 130 and b'cancelled' in stderr and not stdout,
          'Ctrl-C: rc %s, %r' % (p.returncode, stderr))
    check(not [f for f in os.listdir(tmp) if f.startswith('cancel.')], 'Ctrl-C left a file')


def main():
    if not os.path.isfile(SRC_MODEL):
        print('skipped: the test model %s was not built' % SRC_MODEL)
        return 77
    tmp = tempfile.mkdtemp(prefix='cli-subspace.')
    try:
        env = isolated_env(tmp)
        model = os.path.join(tmp, 'tiny.safetensors')
        shutil.copy(SRC_MODEL, model)
        side, layer3 = check_learn(tmp, env, model)
        src = check_tasks(tmp, env, model, layer3)
        other = check_swap(tmp, env, model, src)
        check_errors(tmp, env, model, src, other)
        check_cancel(tmp, env, model)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == '__main__':
    sys.exit(main())
