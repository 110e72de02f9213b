#!/usr/bin/env python3
"""test_cli_tune.py — generator tuning from the command line (`--tune`,
`--tune-all`, `--tune-lr`, `--tune-locality`, `--tune-adv`,
`--tune-adv-local`, `--disc`) on the tiny PGGAN fixture.

usage: test_cli_tune.py GANPRIOR MODEL [DISC]

Checks: every task runs with --tune and reports its tune_steps in the
JSON line; tuning lowers the loss against the same run without it; the
same command twice writes the same picture; the model file's bytes are
unchanged; --tune-all runs; bad values (negative steps, a value given to
the --tune-all flag, a zero rate) are usage errors (exit 2) with one
line and no output file; Ctrl-C while tuning exits 130 and keeps an
existing output.  With DISC (a discriminator for MODEL's images): next
to the model as MODEL-disc.safetensors it is used ("adversarial": true),
also when named with --disc; without it the run notes that the terms
were not used; a missing --disc file fails (exit 1) naming it.  Skips
(exit 77) without MODEL.
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
SRC_DISC = sys.argv[3] if len(sys.argv) > 3 else None
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
        check(plain.get('adversarial') is False and tuned.get('adversarial') is False,
              '%s: adversarial %r / %r without a discriminator' % (task, plain.get('adversarial'),
                                                                   tuned.get('adversarial')))
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
                  ['--tune', 'x'], ['--tune-locality', '-1'], ['--tune-adv', '-1'],
                  ['--tune-adv-local', 'x'], ['--tune-adv', '1e9'], ['--tune', '5', '--disc']]:
        rc, stdout, err = run([EXE, 'reconstruct', '-m', model, '-i', src, '-o', out] + extra, env)
        check(rc == 2 and not stdout and err.startswith('ganprior reconstruct:') and
              ('--tune' in err or '--disc' in err),
              '%s: exit %d, %r' % (extra, rc, err))
        check(not os.path.exists(out), '%s left an output' % extra)


def check_adversarial(tmp, env, model, src):
    side = os.path.splitext(model)[0] + '-disc.safetensors'
    shutil.copy(SRC_DISC, side)
    out = os.path.join(tmp, 'adv.png')
    base = [EXE, 'reconstruct', '-m', model, '-i', src, '-o', out, '--tune', '5'] + QUICK
    for what, extra, used in [('next to the model', ['--tune-adv', '0.5', '--tune-adv-local', '0.5'], True),
                              ('local term only', ['--tune-adv', '0', '--tune-adv-local', '1'], True),
                              ('zero weights', ['--tune-adv', '0', '--tune-adv-local', '0'], False),
                              ('named', ['--tune-adv', '0.5', '--disc', SRC_DISC], True)]:
        rc, stdout, err = run(base + extra, env)
        check(rc == 0 and report(stdout, what).get('adversarial') is used,
              '%s: exit %d, %r %r' % (what, rc, stdout, err))
    os.remove(side)
    rc, stdout, err = run(base + ['--tune-adv', '0.5'], env)
    check(rc == 0 and report(stdout, 'no discriminator').get('adversarial') is False and
          'adversarial tuning terms were not used' in err, 'no discriminator: exit %d, %r' % (rc, err))
    missing = os.path.join(tmp, 'missing-disc.safetensors')
    os.remove(out)
    rc, stdout, err = run(base + ['--tune-adv', '0.5', '--disc', missing], env)
    check(rc == 1 and not stdout and missing in err and not os.path.exists(out),
          'a missing --disc file: exit %d, %r' % (rc, err))


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
        if SRC_DISC and os.path.isfile(SRC_DISC):
            check_adversarial(tmp, env, model, src)
        else:
            print('adversarial part skipped: no discriminator file (tests/disc_reference.py)')
        check_cancel(tmp, env, model, src)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return done()


if __name__ == '__main__':
    sys.exit(main())
