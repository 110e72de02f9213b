#!/usr/bin/env python3
"""test_cli_errors.py — every way a ganprior command line can go wrong.

usage: test_cli_errors.py GANPRIOR MODEL INSTALLED_DEFAULT

For each subcommand: --help and -h print the usage on stdout and exit 0;
usage errors (unknown option, missing value, bad or out-of-range number,
missing required option, stray argument) exit 2 with the problem and a
--help hint on stderr; runtime errors (missing, non-PNG or truncated
input, a mask of another shape, a missing or malformed model, an
unwritable output) exit 1 with one line naming the problem.  Every
failure prints nothing on stdout, creates no output file (not even a
temporary one) and leaves an existing output file untouched.

MODEL is a small valid model (the tiny PGGAN fixture); the few cases
that need one are skipped, and the test exits 77, when it is missing.
INSTALLED_DEFAULT is where an installed default model would be; the
"default model missing" case is skipped when one is installed there.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, done, isolated_env, run, write_png  # noqa: E402

EXE, MODEL, INSTALLED_DEFAULT = sys.argv[1], sys.argv[2], sys.argv[3]
HAVE_MODEL = os.path.isfile(MODEL)
INVERT = ['reconstruct', 'inpaint', 'colorize', 'superres']
SENTINEL = b'an existing output file that a failed run must not touch\n'


def make_files(tmp):
    """The inputs the cases refer to, by short name."""
    f = {}
    f['in'] = write_png(os.path.join(tmp, 'in.png'), 16, 16, lambda x, y: (x * 16, y * 16, 128))
    f['low'] = write_png(os.path.join(tmp, 'low.png'), 4, 4, lambda x, y: (x * 60, y * 60, 9))
    f['mask'] = write_png(os.path.join(tmp, 'mask.png'), 16, 16,
                          lambda x, y: (255,) * 3 if 4 <= x < 12 and 4 <= y < 8 else (0,) * 3)
    f['wide_mask'] = write_png(os.path.join(tmp, 'wide.png'), 32, 16, lambda x, y: (0, 0, 0))
    f['white_mask'] = write_png(os.path.join(tmp, 'white.png'), 16, 16, lambda x, y: (255,) * 3)
    f['black_mask'] = write_png(os.path.join(tmp, 'black.png'), 16, 16, lambda x, y: (0,) * 3)
    f['wide_low'] = write_png(os.path.join(tmp, 'wide-low.png'), 1200, 4, lambda x, y: (x % 256, y, 9))
    f['dot'] = write_png(os.path.join(tmp, 'dot.png'), 1, 1, lambda x, y: (90, 90, 90))
    f['text'] = os.path.join(tmp, 'notes.png')
    with open(f['text'], 'w') as out:
        out.write('this is a text file with a .png name\n')
    f['truncated'] = os.path.join(tmp, 'cut.png')
    data = open(write_png(f['truncated'], 64, 64,
                          lambda x, y: ((x * 7919 + y * 104729) % 256, (x * y) % 256, 3)), 'rb').read()
    with open(f['truncated'], 'wb') as out:
        out.write(data[:len(data) // 2])
    f['garbage_model'] = os.path.join(tmp, 'garbage.safetensors')
    with open(f['garbage_model'], 'wb') as out:
        out.write(os.urandom(4096))
    f['cut_model'] = os.path.join(tmp, 'cut.safetensors')
    if HAVE_MODEL:
        data = open(MODEL, 'rb').read()
        with open(f['cut_model'], 'wb') as out:
            out.write(data[:len(data) // 2])
    f['missing'] = os.path.join(tmp, 'missing.png')
    return f


def base_args(cmd, f):
    """The arguments (but -o) of a cmd line that would succeed with a
    valid model."""
    if cmd not in INVERT:
        return []
    args = ['-i', f['low'] if cmd == 'superres' else f['in']]
    if cmd == 'inpaint':
        args += ['--mask', f['mask']]
    return args + ['--iterations', '2', '--restarts', '0']


def check_help(env):
    for argv in [[], ['--help'], ['-h']]:
        rc, out, err = run([EXE] + argv, env)
        if argv:
            check(rc == 0 and out.startswith('Usage: ganprior COMMAND') and not err,
                  'ganprior %s: rc %d, stdout %r, stderr %r' % (argv, rc, out[:60], err))
            for cmd in ['info', 'sample'] + INVERT:
                check(cmd in out, 'top-level help does not list %s' % cmd)
        else:
            check(rc == 2 and 'Usage: ganprior' in err and not out,
                  'ganprior without a command: rc %d, stderr %r' % (rc, err))
    rc, out, err = run([EXE, 'frobnicate'], env)
    check(rc == 2 and "unknown command 'frobnicate'" in err, 'unknown command: rc %d %r' % (rc, err))
    for cmd in ['info', 'sample'] + INVERT:
        for flag in ['--help', '-h']:
            rc, out, err = run([EXE, cmd, flag], env)
            check(rc == 0 and out.startswith('Usage: ganprior ' + cmd) and 'Options:' in out
                  and not err, '%s %s: rc %d, stdout %r, stderr %r' % (cmd, flag, rc, out[:60], err))
        # --help wins even after other options, and is never an error.
        rc, out, err = run([EXE, cmd, '--model', 'x', '--help'], env)
        check(rc == 0 and out.startswith('Usage: ganprior ' + cmd),
              '%s --model x --help: rc %d %r' % (cmd, rc, err))


def check_failure(tmp, env, cmd, args, want_rc, needles, writes_output):
    """Runs the failing command line twice, once with a fresh -o and once
    with -o naming an existing file, and checks both outcomes."""
    label = ' '.join([cmd] + [os.path.basename(a) if os.sep in a else a for a in args])
    outdir = os.path.join(tmp, 'out')
    targets = [os.path.join(outdir, 'fresh.png'), os.path.join(outdir, 'existing.png')]
    for target in targets if writes_output else [None]:
        shutil.rmtree(outdir, ignore_errors=True)
        os.makedirs(outdir)
        with open(targets[1], 'wb') as out:
            out.write(SENTINEL)
        argv = [EXE, cmd] + args + (['-o', target] if target else [])
        rc, out, err = run(argv, env)
        lines = err.splitlines()
        check(rc == want_rc, '%s: exit %d, want %d (stderr %r)' % (label, rc, want_rc, err))
        check(not out, '%s: printed on stdout: %r' % (label, out))
        for needle in needles:
            check(needle in err, '%s: stderr %r lacks %r' % (label, err, needle))
        if want_rc == 2:
            check(len(lines) == 2 and lines[0].startswith('ganprior %s: ' % cmd) and
                  lines[1] == "Try 'ganprior %s --help'." % cmd,
                  '%s: usage error is not "problem + hint": %r' % (label, err))
        else:
            check(len(lines) == 1 and lines[0].startswith('ganprior: '),
                  '%s: runtime error is not one "ganprior: ..." line: %r' % (label, err))
        check(sorted(os.listdir(outdir)) == ['existing.png'],
              '%s: left files behind: %s' % (label, sorted(os.listdir(outdir))))
        check(open(targets[1], 'rb').read() == SENTINEL, '%s: changed an existing file' % label)


def usage_cases(cmd, f):
    """(args, exit status, stderr substrings) for option errors."""
    base = base_args(cmd, f)
    cases = [
        (base + ['--frobnicate'], 2, ["unknown option '--frobnicate'"]),
        (base + ['-x', '1'], 2, ["unknown option '-x'"]),
        (base + ['stray'], 2, ["unexpected argument 'stray'"]),
        (base + ['--model'], 2, ['option --model needs a value']),
        (base + ['--model', ''], 2, ['empty value for --model']),
    ]
    if cmd == 'info':
        return cases
    cases += [
        (base + ['--seed'], 2, ['option --seed needs a value']),
        (base + ['--seed', '-1'], 2, ["invalid value '-1' for --seed"]),
        (base + ['--seed', '1.5'], 2, ["invalid value '1.5' for --seed"]),
    ]
    if cmd == 'sample':
        return cases + [(['--grid', v], 2, ["invalid value '%s' for --grid" % v])
                        for v in ['0', '17', 'x']]
    cases += [
        (base + ['--codes', 'abc'], 2, ["invalid value 'abc' for --codes", 'whole number']),
        (base + ['--codes', '0'], 2, ["invalid value '0' for --codes", 'from 1 to']),
        (base + ['--codes', '3x'], 2, ["invalid value '3x' for --codes"]),
        (base + ['--iterations', '-5'], 2, ["invalid value '-5' for --iterations"]),
        (base + ['--iterations=0'], 2, ["invalid value '0' for --iterations"]),
        (base + ['--iterations', '--codes', '3'], 2, ['option --iterations needs a value']),
        (base + ['--layer', '0'], 2, ["invalid value '0' for --layer"]),
        (base + ['--lr', '0'], 2, ["invalid value '0' for --lr"]),
        (base + ['--lr', 'nan'], 2, ["invalid value 'nan' for --lr"]),
        (base + ['--perceptual', '-1'], 2, ["invalid value '-1' for --perceptual"]),
        (base + ['--restarts', '1e9'], 2, ["invalid value '1e9' for --restarts"]),
        (base + ['--method', 'subspaces'], 2,
         ["invalid value 'subspaces' for --method", 'single|multicode|subspace']),
        (base[2:], 2, ['missing required option --input']),
    ]
    if cmd == 'superres':
        cases += [(base + ['--factor', v], 2, ["invalid value '%s' for --factor" % v, 'from 2 to 16'])
                  for v in ['1', '17', 'four']]
    if cmd == 'inpaint':
        cases.append((base[:2] + base[4:], 2, ['missing required option --mask']))
    return cases


def file_cases(cmd, f):
    """Bad inputs, models and outputs: runtime errors, exit 1."""
    base = base_args(cmd, f)
    model = ['--model', MODEL]
    cases = [
        (base + ['--model', os.path.join(os.path.dirname(f['in']), 'nope.safetensors')], 1,
         ['nope.safetensors', 'does not exist']),
        (base + ['--model', f['garbage_model']], 1, ['garbage.safetensors']),
        (base + ['--model', os.path.dirname(f['in'])], 1, ['is a folder, not a model file']),
    ]
    if not os.path.exists(INSTALLED_DEFAULT):
        cases.append((base, 1, ["model 'faces128.safetensors' not found"]))
    if HAVE_MODEL:
        cases.append((base + ['--model', f['cut_model']], 1, ['cut.safetensors']))
    if cmd not in INVERT:
        return cases
    swap = lambda name: [f[name] if a in (f['in'], f['low']) else a for a in base] + model
    cases += [
        (swap('missing'), 1, ['missing.png', 'No such file']),
        (swap('text'), 1, ['notes.png', 'not a PNG, JPEG, TIFF or WebP']),
        (swap('truncated'), 1, ['cut.png', 'truncated']),
        # Nothing to work on: the same refusal with and without --full.
        (swap('dot'), 1, ['dot.png is only 1x1 pixels']),
        (swap('dot') + ['--full'], 1, ['dot.png is only 1x1 pixels']),
    ]
    if cmd == 'inpaint':
        mask = lambda name: [f[name] if a == f['mask'] else a for a in base] + model
        cases += [
            (mask('wide_mask'), 1, ['wide.png', 'is 32x16', 'different shape', 'in.png']),
            (mask('missing'), 1, ['missing.png', 'No such file']),
            (mask('text'), 1, ['notes.png', 'not a PNG, JPEG, TIFF or WebP']),
            (mask('black_mask'), 1, ['black.png is black everywhere']),
            (mask('black_mask') + ['--full'], 1, ['black.png is black everywhere']),
            (mask('white_mask'), 1, ['white.png is white everywhere', 'in.png']),
            (mask('white_mask') + ['--full'], 1, ['white.png is white everywhere', 'in.png']),
        ]
    if HAVE_MODEL:
        cases.append((base + model + ['--layer', '7'], 2,
                      ['--layer 7 is not a split point of pggan-tiny-random (1..6)']))
        if cmd == 'superres':
            # --full writes the picture enlarged: 4 px x 16 is within the
            # largest side, a 1200 px picture x 16 is not.
            cases.append((swap('wide_low') + ['--factor', '16', '--full'], 1,
                          ['enlarged 16 times would be 19200x64', 'more than 16384']))
            cases.append((base + model + ['--factor', '3'], 2,
                          ['--factor 3 does not divide the model size 16x16']))
    return cases


def check_outputs(tmp, env, cmd, f):
    """-o in a missing folder, or naming a folder."""
    base = base_args(cmd, f) + ['--model', MODEL if HAVE_MODEL else f['garbage_model']]
    for out, needle in [(os.path.join(tmp, 'no', 'such', 'dir.png'), 'cannot write'),
                        (tmp, 'is a folder')]:
        rc, stdout, err = run([EXE, cmd] + base + ['-o', out], env)
        check(rc == 1 and needle in err and len(err.splitlines()) == 1,
              '%s -o %s: rc %d, stderr %r' % (cmd, out, rc, err))
    check(not os.path.exists(os.path.join(tmp, 'no')), 'created a missing output folder')


def main():
    tmp = tempfile.mkdtemp(prefix='cli-errors.')
    try:
        env = isolated_env(tmp)
        f = make_files(tmp)
        check_help(env)
        for cmd in ['info', 'sample'] + INVERT:
            writes = cmd != 'info'
            for args, rc, needles in usage_cases(cmd, f) + file_cases(cmd, f):
                check_failure(tmp, env, cmd, args, rc, needles, writes)
            if writes:
                check_outputs(tmp, env, cmd, f)
                check_failure(tmp, env, cmd, base_args(cmd, f), 2,
                              ['missing required option --output'], False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not HAVE_MODEL:
        print('skipped the cases that need a model: %s is missing' % MODEL)
        return 77 if done() == 0 else 1
    return done()


if __name__ == '__main__':
    sys.exit(main())
