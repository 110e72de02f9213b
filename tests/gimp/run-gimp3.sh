#!/bin/bash
# Headless end-to-end test of the four filters in GIMP 3.0, which runs in a
# Debian 13 chroot ($GANPRIOR_TRIXIE, default /var/cache/ganprior/trixie,
# built by trixie-chroot.sh when missing).  The plug-in is built there for
# GIMP 3 from a copy of this tree, driven by Python-Fu, and its results
# judged by check_filters.py like GIMP 2.10's, the Faces "find faces" runs
# and the refusals included.  Usage: run-gimp3.sh MODEL CLI
# (the host's ganprior command learns the model's subspaces for the PmSFC run)
# Exit 77 (skip) without the model, the shared faces, or (not root) the chroot.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$HERE/../.." && pwd)
model=$1 cli=$2
faces=${GANPRIOR_SHARED:-$src/../shared}/data/faces128/test-000.tar
[ -f "$model" ] || { echo "skip: no model $model"; exit 77; }
[ -f "$faces" ] || { echo "skip: no $faces"; exit 77; }
. "$HERE/gimp3-chroot.sh"
build_gimp3_plugin

T=$(mktemp -d -p "$chr/tmp" gptest.XXXXXX)
t=${T#"$chr"}  # the same folder, seen from inside
mkdir -p "$T/home" "$T/config/GIMP/3.0/plug-ins/ganprior" "$T/models"
cp "$chr/build-gimp3/plugin/ganprior" "$T/config/GIMP/3.0/plug-ins/ganprior/"
cp "$model" "$T/model.safetensors"
cp "$src"/models/faceapi-*.safetensors "$T/models/"  # the face finder's networks
"$cli" subspaces --model "$T/model.safetensors" > /dev/null || exit 1
cp "$HERE/filters_gimp3.py" "$T/"
/usr/bin/python3 "$HERE/make_inputs.py" "$faces" "$T" || exit 1

py="exec(open('$t/filters_gimp3.py').read())"
m="'$t/model.safetensors'"
hole=$(tr ' ' ',' < "$T/hole.txt")
faces_hole=$(tr ' ' ',' < "$T/faces-hole.txt")
corner='(4, 4, 40, 40)'  # a selection on no face of faces.png
# --batch-interpreter is required: without it GIMP 3 ignores -b and never quits.
in_chroot HOME="$t/home" XDG_CONFIG_HOME="$t/config" XDG_CACHE_HOME="$t/cache" \
  XDG_DATA_HOME="$t/data" GANPRIOR_MODEL_PATH="$t/models" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-2}" \
  timeout 900 gimp-console-3.0 -i -d -f --batch-interpreter=python-fu-eval \
  -b "$py; gp_run('reconstruct', '$t/face.png', '$t/reconstruct.png', '$t/reconstruct-src.png', $m)" \
  -b "$py; gp_run('inpaint', '$t/damaged.png', '$t/inpaint.png', '$t/inpaint-src.png', $m, ($hole))" \
  -b "$py; gp_run('colorize', '$t/gray.png', '$t/colorize.png', '$t/colorize-src.png', $m)" \
  -b "$py; gp_run('colorize', '$t/gray1.png', '$t/colorize-gray.png', '$t/colorize-gray-src.png', $m)" \
  -b "$py; gp_run('superres', '$t/small.png', '$t/superres.png', '$t/superres-src.png', $m, None, 4)" \
  -b "$py; gp_run('reconstruct', '$t/face.png', '$t/reconstruct-subspace.png', '$t/reconstruct-subspace-src.png', $m, method='subspace')" \
  -b "$py; gp_run('reconstruct', '$t/face.png', '$t/reconstruct-detail.png', '$t/reconstruct-detail-src.png', $m, detail=100)" \
  -b "$py; gp_run('reconstruct', '$t/faces.png', '$t/faces-reconstruct.png', '$t/faces-reconstruct-src.png', $m, faces='find')" \
  -b "$py; gp_run('inpaint', '$t/faces-damaged.png', '$t/faces-inpaint.png', '$t/faces-inpaint-src.png', $m, ($faces_hole), faces='find')" \
  -b "$py; gp_run('colorize', '$t/faces-gray.png', '$t/faces-colorize.png', '$t/faces-colorize-src.png', $m, faces='find')" \
  -b "$py; gp_run('superres', '$t/faces.png', '$t/faces-superres.png', '$t/faces-superres-src.png', $m, None, 2, faces='find')" \
  -b "$py; gp_refuse('indexed', 'reconstruct', '$t/indexed.png', $m)" \
  -b "$py; gp_refuse('no-selection', 'inpaint', '$t/face.png', $m)" \
  -b "$py; gp_refuse('faces-none', 'reconstruct', '$t/noface.png', $m, faces='find')" \
  -b "$py; gp_refuse('faces-none-selected', 'reconstruct', '$t/faces.png', $m, $corner, faces='find')" \
  -b "$py; gp_refuse('faces-none-near', 'inpaint', '$t/faces.png', $m, $corner, faces='find')" \
  --quit > "$T/gimp.log" 2>&1
rc=$?
grep -E "ganprior|Error|Traceback" "$T/gimp.log"
[ $rc = 0 ] || { echo "gimp-console-3.0 exited with $rc"; cat "$T/gimp.log"; exit 1; }
if /usr/bin/python3 "$HERE/check_filters.py" "$T" "$T/gimp.log"; then
  [ -n "${GANPRIOR_KEEP:-}" ] && echo "artifacts in $T" || rm -rf "$T"
else
  echo "artifacts in $T"
  exit 1
fi
