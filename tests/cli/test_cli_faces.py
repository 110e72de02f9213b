#!/usr/bin/env python3
"""test_cli_faces.py — `ganprior faces`: JSON out, networks found or named,
errors reported.

usage: test_cli_faces.py GANPRIOR MODELS_DIR

MODELS_DIR holds faceapi-detector.safetensors and
faceapi-landmarks.safetensors (the source tree's models/).  A blank
picture gives valid JSON with no faces; the networks are found through
$GANPRIOR_MODEL_PATH or named with --detector/--landmarks; a malformed or
missing network file exits 1 with its name; usage errors exit 2;
--single-pass, --min-face and --frame (a mosaic of crops, one JSON line
each) run; Ctrl-C during a big picture's search exits 130.
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

EXE, MODELS = sys.argv[1], sys.argv[2]
DET = os.path.join(MODELS, 'faceapi-detector.safetensors')
LM = os.path.join(MODELS, 'faceapi-landmarks.safetensors')

with tempfile.TemporaryDirectory() as tmp:
    env = isolated_env(tmp)
    blank = write_png(os.path.join(tmp, 'blank.png'), 320, 240, lambda x, y: (128, 128, 128))
    rc, out, err = run([EXE, 'faces', '-i', blank, '--detector', DET, '--landmarks', LM], env)
    check(rc == 0, f'blank picture: exit {rc}, {err}')
    try:
        doc = json.loads(out)
        check(doc['width'] == 320 and doc['height'] == 240 and doc['faces'] == [], f'blank: {out}')
    except (ValueError, KeyError) as e:
        check(False, f'blank: not the JSON expected ({e}): {out!r}')

    # Found by name through $GANPRIOR_MODEL_PATH; not found without it.
    env_models = dict(env, GANPRIOR_MODEL_PATH=MODELS)
    rc, out, err = run([EXE, 'faces', '-i', blank], env_models)
    check(rc == 0 and json.loads(out or '{}').get('faces') == [], f'lookup: exit {rc}, {err}')
    rc, out, err = run([EXE, 'faces', '-i', blank], env)
    check(rc == 1 and 'faceapi-detector.safetensors' in err and out == '', f'not found: {rc} {err}')

    # A truncated detector, and the networks swapped.
    bad = os.path.join(tmp, 'bad.safetensors')
    with open(DET, 'rb') as f:
        data = f.read()
    with open(bad, 'wb') as f:
        f.write(data[:len(data) // 2])
    rc, out, err = run([EXE, 'faces', '-i', blank, '--detector', bad, '--landmarks', LM], env)
    check(rc == 1 and 'bad.safetensors' in err and out == '', f'truncated: {rc} {err}')
    rc, out, err = run([EXE, 'faces', '-i', blank, '--detector', LM, '--landmarks', DET], env)
    check(rc == 1 and 'not a faceapi' in err, f'swapped: {rc} {err}')

    # Usage errors.
    for argv in (['faces'], ['faces', '-i', blank, '--input-size', '100'],
                 ['faces', '-i', blank, '--threshold', '2'], ['faces', '-i', blank, 'stray']):
        rc, out, err = run([EXE] + argv, env_models)
        check(rc == 2 and out == '', f'{argv}: exit {rc}')
    rc, out, err = run([EXE, 'faces', '-i', os.path.join(tmp, 'missing.png')], env_models)
    check(rc == 1 and 'missing.png' in err, f'missing input: {rc} {err}')

    # The single pass and the smallest face size are options; --frame reads
    # a mosaic of crops (here 2 x 1 blank 160 px ones: no face in either).
    for extra in (['--single-pass'], ['--min-face', '64']):
        rc, out, err = run([EXE, 'faces', '-i', blank] + extra, env_models)
        check(rc == 0 and json.loads(out or '{}').get('faces') == [], f'{extra}: exit {rc}, {err}')
    rc, out, err = run([EXE, 'faces', '-i', blank, '--frame', '160'], env_models)
    lines = out.splitlines()
    check(rc == 0 and [json.loads(x) for x in lines] == [{'crop': 0, 'points': None}, {'crop': 1, 'points': None}],
          f'--frame: exit {rc}, {out!r} {err}')

    # Ctrl-C while a big picture (3000x2000, a second or more of detector
    # runs) is searched: exit 130 and "cancelled", no JSON.
    from PIL import Image
    big = os.path.join(tmp, 'big.png')
    Image.new('RGB', (3000, 2000), (120, 120, 120)).save(big)
    p = subprocess.Popen([EXE, 'faces', '-i', big], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env_models)
    time.sleep(0.7)
    p.send_signal(signal.SIGINT)
    out, err = (x.decode() for x in p.communicate(timeout=120))
    check(p.returncode == 130 and 'cancelled' in err and out == '',
          f'Ctrl-C: exit {p.returncode}, want 130 ({err.strip()}) {out!r}')
sys.exit(done())
