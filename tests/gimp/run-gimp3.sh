#!/bin/bash
# Headless end-to-end test of the four filters in GIMP 3.0, which runs in a
# Debian 13 chroot ($GANPRIOR_TRIXIE, default /var/cache/ganprior/trixie,
# built by trixie-chroot.sh when missing).  The plug-in is built there for
# GIMP 3 from a copy of this tree, driven by Python-Fu, and its results
# judged by check_filters.py like GIMP 2.10's.  Usage: run-gimp3.sh MODEL CLI
# (the host's ganprior command learns the model's subspaces for the PmSFC run)
# Exit 77 (skip) without the model, the shared faces, or (not root) the chroot.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$HERE/../.." && pwd)
model=$1 cli=$2
chr=${GANPRIOR_TRIXIE:-/var/cache/ganprior/trixie}
faces=${GANPRIOR_SHARED:-$src/../shared}/data/faces128/test-000.tar
[ -f "$model" ] || { echo "skip: no model $model"; exit 77; }
[ -f "$faces" ] || { echo "skip: no $faces"; exit 77; }
if [ ! -x "$chr/usr/bin/gimp-console-3.0" ]; then
  [ "$(id -u)" = 0 ] || { echo "skip: no GIMP 3 chroot at $chr, and building one needs root"; exit 77; }
  "$HERE/trixie-chroot.sh" "$chr" || exit 1
fi
in_chroot() {
  chroot "$chr" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

# Build in the chroot's one build folder, which trees other than this one
# may have used last: a file whose content differs from the copy there is
# written anew (and so is newer than every object), an unchanged one keeps
# its time, so ninja redoes exactly what changed.
sync_tree() { # SRC DEST
  local stage f
  stage=$(mktemp -d)
  tar -C "$1" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$stage" -xf -
  mkdir -p "$2"
  while IFS= read -r f; do
    cmp -s "$stage/$f" "$2/$f" || { mkdir -p "$(dirname "$2/$f")"; cp "$stage/$f" "$2/$f"; }
  done < <(cd "$stage" && find . -type f)
  while IFS= read -r f; do
    [ -e "$stage/$f" ] || rm -f "$2/$f"
  done < <(cd "$2" && find . -type f)
  rm -rf "$stage"
}
sync_tree "$src" "$chr/src/ganprior"
setup=(meson setup /build-gimp3 /src/ganprior -Dgimp_api=3 -Dshared_dir=/nonexistent)
[ -f "$chr/build-gimp3/build.ninja" ] && setup+=(--reconfigure)
in_chroot "${setup[@]}" > "$chr/build-gimp3.log" 2>&1 && in_chroot ninja -C /build-gimp3 plugin/ganprior >> "$chr/build-gimp3.log" 2>&1 \
  || { cat "$chr/build-gimp3.log"; echo "building the plug-in for GIMP 3 failed"; exit 1; }

T=$(mktemp -d -p "$chr/tmp" gptest.XXXXXX)
t=${T#"$chr"}  # the same folder, seen from inside
mkdir -p "$T/home" "$T/config/GIMP/3.0/plug-ins/ganprior"
cp "$chr/build-gimp3/plugin/ganprior" "$T/config/GIMP/3.0/plug-ins/ganprior/"
cp "$model" "$T/model.safetensors"
"$cli" subspaces --model "$T/model.safetensors" > /dev/null || exit 1
cp "$HERE/filters_gimp3.py" "$T/"
/usr/bin/python3 "$HERE/make_inputs.py" "$faces" "$T" || exit 1

py="exec(open('$t/filters_gimp3.py').read())"
m="'$t/model.safetensors'"
hole=$(tr ' ' ',' < "$T/hole.txt")
# --batch-interpreter is required: without it GIMP 3 ignores -b and never quits.
in_chroot HOME="$t/home" XDG_CONFIG_HOME="$t/config" XDG_CACHE_HOME="$t/cache" \
  XDG_DATA_HOME="$t/data" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-2}" \
  timeout 900 gimp-console-3.0 -i -d -f --batch-interpreter=python-fu-eval \
  -b "$py; gp_run('reconstruct', '$t/face.png', '$t/reconstruct.png', '$t/reconstruct-src.png', $m)" \
  -b "$py; gp_run('inpaint', '$t/damaged.png', '$t/inpaint.png', '$t/inpaint-src.png', $m, ($hole))" \
  -b "$py; gp_run('colorize', '$t/gray.png', '$t/colorize.png', '$t/colorize-src.png', $m)" \
  -b "$py; gp_run('colorize', '$t/gray1.png', '$t/colorize-gray.png', '$t/colorize-gray-src.png', $m)" \
  -b "$py; gp_run('superres', '$t/small.png', '$t/superres.png', '$t/superres-src.png', $m, None, 4)" \
  -b "$py; gp_run('reconstruct', '$t/face.png', '$t/reconstruct-subspace.png', '$t/reconstruct-subspace-src.png', $m, method='subspace')" \
  -b "$py; gp_run('reconstruct', '$t/face.png', '$t/reconstruct-detail.png', '$t/reconstruct-detail-src.png', $m, detail=100)" \
  -b "$py; gp_refuse('reconstruct', '$t/indexed.png', $m)" \
  -b "$py; gp_refuse('inpaint', '$t/face.png', $m)" \
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
