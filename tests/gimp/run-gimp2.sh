#!/bin/bash
# Headless end-to-end test of the four filters in GIMP 2.10 (Debian 12),
# driven by Script-Fu: real held-out face in, results checked by
# check_filters.py; then each filter with Faces "find faces" on a picture
# of two held-out faces (the face finder's networks from models/), and
# the refusals.  Usage: run-gimp2.sh PLUGIN MODEL CLI
# (the ganprior command learns the model's subspaces for the PmSFC run)
# Exit 77 (skip) without gimp-console-2.10, the model or the shared faces.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
plugin=$1 model_file=$2 cli=$3
faces=${GANPRIOR_SHARED:-$HERE/../../../shared}/data/faces128/test-000.tar
command -v gimp-console-2.10 > /dev/null || { echo "skip: no gimp-console-2.10"; exit 77; }
[ -f "$model_file" ] || { echo "skip: no model $model_file"; exit 77; }
[ -f "$faces" ] || { echo "skip: no $faces"; exit 77; }

T=$(mktemp -d)
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache XDG_DATA_HOME=$T/data
export GANPRIOR_MODEL_PATH=$HERE/../../models  # the face finder's networks
unset DISPLAY WAYLAND_DISPLAY
GIMPDIR=$XDG_CONFIG_HOME/GIMP/2.10
# A pre-made GIMP dir skips GIMP's user install, which would create gradients/.
mkdir -p "$HOME" "$GIMPDIR/plug-ins/ganprior" "$GIMPDIR/gradients"
install -m 755 "$plugin" "$GIMPDIR/plug-ins/ganprior/ganprior"
/usr/bin/python3 "$HERE/make_inputs.py" "$faces" "$T" || exit 1
model=$T/model.safetensors
cp "$model_file" "$model"
"$cli" subspaces --model "$model" > /dev/null || exit 1

L="(load \"$HERE/filters-gimp2.scm\")"
# run FILTER INPUT SELECTION FACTOR [NAME]: results go to NAME.png, NAME-src.png
run() {
  local name=${5:-$1}
  echo "(begin $L (gp-run plug-in-ganprior-$1 \"$T/$2\" \"$T/$name.png\" \"$T/$name-src.png\" \"$model\" '$3 $4))"
}
# faces ...: run's arguments, with Faces "find faces"
faces() { run "$@" | sed 's/(gp-run/(set! gp-faces 0) (gp-run/'; }
# refuse NAME FILTER INPUT SELECTION [FACES]
refuse() {
  echo "(begin $L (set! gp-faces ${5:-1}) (gp-refuse \"$1\" plug-in-ganprior-$2 \"$T/$3\" \"$model\" '$4))"
}
corner='(4 4 40 40)'  # a selection on no face of faces.png
timeout 900 gimp-console-2.10 -i -d -f \
  -b "$(run reconstruct face.png '()' '#f')" \
  -b "$(run inpaint damaged.png "($(cat "$T/hole.txt"))" '#f')" \
  -b "$(run colorize gray.png '()' '#f')" \
  -b "$(run colorize gray1.png '()' '#f' colorize-gray)" \
  -b "$(run superres small.png '()' 4)" \
  -b "$(run reconstruct face.png '()' '#f' reconstruct-subspace | sed 's/(gp-run/(set! gp-method 2) (gp-run/')" \
  -b "$(run reconstruct face.png '()' '#f' reconstruct-detail | sed 's/(gp-run/(set! gp-detail 100) (gp-run/')" \
  -b "$(faces reconstruct faces.png '()' '#f' faces-reconstruct)" \
  -b "$(faces inpaint faces-damaged.png "($(cat "$T/faces-hole.txt"))" '#f' faces-inpaint)" \
  -b "$(faces colorize faces-gray.png '()' '#f' faces-colorize)" \
  -b "$(faces superres faces.png '()' 2 faces-superres)" \
  -b "$(refuse indexed reconstruct indexed.png '()')" \
  -b "$(refuse no-selection inpaint face.png '()')" \
  -b "$(refuse faces-none reconstruct noface.png '()' 0)" \
  -b "$(refuse faces-none-selected reconstruct faces.png "$corner" 0)" \
  -b "$(refuse faces-none-near inpaint faces.png "$corner" 0)" \
  -b '(gimp-quit 0)' > "$T/gimp.log" 2>&1
rc=$?
grep -E "ganprior|experienced|error" "$T/gimp.log"
[ $rc = 0 ] || { echo "gimp-console-2.10 exited with $rc"; exit 1; }
if /usr/bin/python3 "$HERE/check_filters.py" "$T" "$T/gimp.log"; then
  [ -n "${GANPRIOR_KEEP:-}" ] && echo "artifacts in $T" || rm -rf "$T"
else
  echo "artifacts in $T"
  exit 1
fi
