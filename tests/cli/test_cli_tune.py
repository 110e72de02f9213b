#!/usr/bin/env python3
"""test_cli_tune.py — generator tuning from the command line (`--tune`,
`--tune-all`, `--tune-lr`, `--tune-locality`) on the tiny PGGAN fixture.

usage: test_cli_tune.py GANPRIOR MODEL

Checks: every task runs with --tune and reports its tune_steps in the
JSON line; tuning lowers the loss against the same run without it; the
same command twice writes the same picture; the model file's bytes are
unchanged; --tune-all runs; bad values (negative steps, a value given to
the --tune-all flag, a zero rate) are usage errors (exit 2) with one
line and no output file; Ctrl-C while tuning exits 130 and keeps an
existing output.  Skips (exit 77) without MODEL.
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
QUICK = ['--iterations', '30', '--restarts', '0', '--plateau', '0', '--perceptual', '0']


def report(out, what):
    try:
        return json.loads(out)
    except ValueError:
        check(False, '%s: not one JSON line: %r' % (what, out))
        return {}


def check_tasks(tmp, env, model):
    src = write_png(os.path.join(tmp, 'in.png'), 16, 16, lambda x, y: (16 * x, 200 - 8 * y, 90 + x * y // 2))
    low = write_png(os.path.join(tmp, 'low.png'), 4, 4, lambda x, y: (40 + 50 * x, 200 - 40 * y, 9))
    mask = write_png(os.path.join(tmp, 'mask.png'), 16, 16,
                     lambda x, y: (255,) * 3 if 3 <= x < 11 and 5 <= y < 12 else (0,) * 3)
    before = open(model, 'rb').read()
    for task, inputs in [('reconstruct', [src]), ('inpaint', [src, '--mask', mask]), ('colorize', [src]),
                         ('superres', [low, '--factor', '4'])]:
        base = [EXE, task, '-m', model, '-i'] + inputs + QUICK
        rc, out, err = run(base + ['-o', os.path.join(tmp, 'plain.png')], env)
        plain = report(out, task)
        tuned_png = os.path.join(tmp, task + '.png')
        rc2, out2, err2 = run(base + ['-o', tuned_png, '--tune', '20'], env)
        tuned = report(out2, task + ' --tune')
        check(rc == 0 and rc2 == 0, '%s: exit %d / %d %r' % (task, rc, rc2, err + err2))
        check(plain.get('tune_steps') == 0 and tuned.get('tune_steps') == 20,
              '%s: tune_steps %r / %r' % (task, plain.get('tune_steps'), tuned.get('tune_steps')))
        check(tuned.get('loss', 1) < plain.get('loss', 0), '%s: tuning did not lower the loss (%r -> %r)'
              % (task, plain.get('loss'), tuned.get('loss')))
    again = os.path.join(tmp, 'again.png')
    rc, out, err = run([EXE, 'superres', '-m', model, '-i', low, '--factor', '4', '-o', again,
                        '--tune', '20'] + QUICK, env)
    check(rc == 0 and open(again, 'rb').read() == open(os.path.join(tmp, 'superres.png'), 'rb').read(),
          'the same tuned command wrote another picture')
    rc, out, err = run([EXE, 'reconstruct', '-m', model, '-i', src, '-o', again, '--tune', '10',
                        '--tune-all', '--tune-lr', '0.01', '--tune-locality', '0'] + QUICK, env)
    check(rc == 0 and report(out, '--tune-all').get('tune_steps') == 10, '--tune-all: %d %r' % (rc, err))
    check(open(model, 'rb').read() == before, 'tuning changed the model file')
    return src


def check_usage(tmp, env, model, src):
    out = os.path.join(tmp, 'bad.png')
    for extra in [['--tune', '-1'], ['--tune-all=yes'], ['--tune', '5', '--tune-lr', '0'],
                  ['--tune', 'x'], ['--tune-locality', '-1']]:
        rc, stdout, err = run([EXE, 'reconstruct', '-m', model, '-i', src, '-o', out] + extra, env)
        check(rc == 2 and not stdout and err.startswith('ganprior reconstruct:') and '--tune' in err,
              '%s: exit %d, %r' % (extra, rc, err))
        check(not os.path.exists(out), '%s left an output' % extra)


def check_cancel(tmp, env, model, src):
    out = os.path.join(tmp, 'cancelled.png')
    with open(out, 'wb') as f:
        f.write(b'keep me')
    p = subprocess.Popen([EXE, 'reconstruct', '-m', model, '-i', src, '-o', out, '--iterations', '1',
                          '--tune', '1000000'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(0.7)
    check(p.poll() is None, 'the long tuning ended before Ctrl-C')
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=30)
    check(p.returncode == 130 and not stdout, 'Ctrl-C while tuning: exit %s %r' % (p.returncode, stderr))
    check(open(out, 'rb').read() == b'keep me', 'Ctrl-C while tuning replaced the output')


def main():
    if not os.path.isfile(SRC_MODEL):
        print('skipped: the test model %s was not built' % SRC_MODEL)
        return 77
    tmp = tempfile.mkdtemp(prefix='cli-tune.')
    try:
        env = isolated_env(tmp)
        model = shutil.copy(SRC_MODEL, os.path.join(tmp, 'model.safetensors'))
        src = check_tasks(tmp, env, model)
        check_usage(tmp, env, model, src)
        check_cancel(tmp, env, model, src)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == '__main__':
    sys.exit(main())
