"""clitest.py — what the ganprior command tests share: a check tally,
running the command, and writing small PNG files without any library
beyond zlib (so the error tests need nothing but Python)."""
import os
import struct
import subprocess
import zlib

failures = 0
checks = 0


def check(cond, what):
    """Counts a check; prints what failed and keeps going."""
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print('FAIL', what)
    return cond


def done():
    print('%d checks, %d failed' % (checks, failures))
    return 1 if failures else 0


def run(argv, env=None, timeout=120):
    """Runs argv; returns (exit status, stdout, stderr) as text."""
    p = subprocess.run(argv, env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def png_bytes(width, height, pixel):
    """An 8-bit RGB PNG whose pixel (x, y) is pixel(x, y) = (r, g, b)."""
    raw = b''.join(b'\0' + bytes(c for x in range(width) for c in pixel(x, y))
                   for y in range(height))

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))

    return (b'\x89PNG\r\n\x1a\n' +
            chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def write_png(path, width, height, pixel):
    with open(path, 'wb') as f:
        f.write(png_bytes(width, height, pixel))
    return path


def isolated_env(tmp):
    """The environment with model lookup confined to an empty folder, so
    no installed default model can be found by accident."""
    env = dict(os.environ)
    empty = os.path.join(tmp, 'no-models')
    os.makedirs(empty, exist_ok=True)
    env['GANPRIOR_MODEL_PATH'] = empty
    env['XDG_DATA_HOME'] = empty
    return env
