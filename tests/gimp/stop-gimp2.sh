#!/bin/bash
# GIMP 2.10 in a real window (Xvfb), driven as a user would: Script-Fu
# calls Reconstruct interactively, the filter's dialog is set to Faces
# "the selection as it is" and 100000 iterations by keyboard and accepted, and Stop is pressed in the progress
# window while the search runs.  The run must end at once (a search that
# ignored Stop would outlast the test's timeout), return without a message
# box, leave the image with its one layer, and the window must be wide
# enough to show its bar.  Usage: stop-gimp2.sh PLUGIN MODEL
# Exit 77 (skip) without gimp-2.10, Xvfb, xdotool or the model.
set -uo pipefail
plugin=$1 model=$2
for c in gimp-2.10 Xvfb xdotool; do
  command -v $c > /dev/null || { echo "skip: no $c"; exit 77; }
done
[ -f "$model" ] || { echo "skip: no model $model"; exit 77; }

T=$(mktemp -d)
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache XDG_DATA_HOME=$T/data
GIMPDIR=$XDG_CONFIG_HOME/GIMP/2.10
mkdir -p "$HOME" "$GIMPDIR/plug-ins/ganprior" "$GIMPDIR/gradients" "$T/models"
install -m 755 "$plugin" "$GIMPDIR/plug-ins/ganprior/ganprior"
# The dialog's model field is empty: the default model, found on the path.
cp "$model" "$T/models/faces128.safetensors"
export GANPRIOR_MODEL_PATH=$T/models

. "$(dirname "$0")/stop-window.sh"
start_xvfb "$T"
cleanup() { kill "$xvfb" 2> /dev/null; [ -n "${gimp:-}" ] && kill "$gimp" 2> /dev/null; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; grep -v "^$\|Gtk-WARNING" "$T/gimp.log"; echo "artifacts in $T"; exit 1; }

script='(begin (gimp-message-set-handler CONSOLE)
 (let* ((image (car (gimp-image-new 96 96 RGB)))
        (layer (car (gimp-layer-new image 96 96 RGB-IMAGE "source" 100 LAYER-MODE-NORMAL))))
   (gimp-image-insert-layer image layer 0 0)
   (gimp-drawable-fill layer FILL-WHITE)
   (plug-in-ganprior-reconstruct RUN-INTERACTIVE image layer "" 1 20 0 1 0 1 0 1)
   (gimp-message (string-append "ganprior-stop: layers="
                                (number->string (car (gimp-image-get-layers image)))))
   (gimp-image-delete image))
 (gimp-quit 0))'
timeout 300 gimp-2.10 -n -d -f -s -b "$script" > "$T/gimp.log" 2>&1 &
gimp=$!

press_stop "$T"
wait "$gimp"
rc=$?
gimp=
[ $rc = 0 ] || fail "gimp-2.10 exited with $rc"
# Any message from the filter (an error, or a note on Stop) lands here.
grep -q "Reconstruct-Warning" "$T/gimp.log" && fail "the filter raised a message box"
grep -q "ganprior-stop: layers=1$" "$T/gimp.log" || fail "the image changed or the script failed"
grep -q "Gtk-CRITICAL\|GLib-GObject-WARNING" "$T/gimp.log" && fail "GTK complained"
[ "${width:-0}" -ge 300 ] || fail "the progress window is ${width:-?} px wide"
echo "Stop ended the run; the image kept its one layer; progress window $width px wide"
[ -n "${GANPRIOR_KEEP:-}" ] && echo "artifacts in $T" || rm -rf "$T"
