#!/bin/bash
# Redraws the README's two dialog pictures, docs/images/dialog-gimp2.10.png
# and dialog-gimp3.0.png: Inpaint Selection's dialog with its defaults, in
# GIMP 2.10 (this machine) and GIMP 3.0 (the Debian 13 chroot the GIMP 3
# tests use), each on its own Xvfb display, captured with PIL's ImageGrab
# and closed with Cancel.  Run it after changing a dialog.
#   docs/dialog-shots.sh [BUILD]    (BUILD: the meson build folder, default build)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
HERE=$src/tests/gimp
build=$(cd "${1:-$src/build}" && pwd)
out=$src/docs/images
. "$HERE/stop-window.sh"
title="Fill the selected damage"   # Inpaint Selection's blurb: its dialog's title

# Writes the visible window titled $title to FILE and presses Cancel.
shoot() { # FILE
  local w geo pos
  w=$(window) || { echo "the dialog did not open"; return 1; }
  sleep 1                                        # let it draw
  pos=$(xdotool getwindowgeometry "$w" | sed -n 's/.*Position: \([0-9]*\),\([0-9]*\).*/\1 \2/p')
  geo=$(xdotool getwindowgeometry "$w" | sed -n 's/.*Geometry: \([0-9]*\)x\([0-9]*\).*/\1 \2/p')
  /usr/bin/python3 - "$1" $pos $geo <<'PY'
import os, sys
from PIL import ImageGrab
x, y, w, h = map(int, sys.argv[2:])
ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=os.environ["DISPLAY"]).save(sys.argv[1])
PY
  xdotool windowfocus --sync "$w" key Escape
  echo "wrote $1 (${geo/ /x})"
}

T=$(mktemp -d)
cleanup() { [ -n "${xvfb:-}" ] && kill "$xvfb" 2> /dev/null; rm -rf "$T"; }
trap cleanup EXIT

# GIMP 2.10: Script-Fu opens the dialog on a 256 px image with a selection.
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache XDG_DATA_HOME=$T/data
mkdir -p "$HOME" "$XDG_CONFIG_HOME/GIMP/2.10/plug-ins/ganprior"
install -m 755 "$build/plugin/ganprior" "$XDG_CONFIG_HOME/GIMP/2.10/plug-ins/ganprior/"
start_xvfb "$T"
script='(let* ((image (car (gimp-image-new 256 256 RGB)))
               (layer (car (gimp-layer-new image 256 256 RGB-IMAGE "source" 100 LAYER-MODE-NORMAL))))
   (gimp-image-insert-layer image layer 0 0)
   (gimp-image-select-rectangle image CHANNEL-OP-REPLACE 96 96 64 64)
   (plug-in-ganprior-inpaint RUN-INTERACTIVE image layer "" 1 20 0 1 0 0 0 0)
   (gimp-quit 0))'
timeout 120 gimp-2.10 -n -d -f -s -b "$script" > "$T/gimp2.log" 2>&1 &
shoot "$out/dialog-gimp2.10.png"
wait $! || true
kill "$xvfb"; xvfb=

# GIMP 3.0 in the chroot, on a display of this machine.
. "$HERE/gimp3-chroot.sh"
build_gimp3_plugin
C=$(mktemp -d -p "$chr/tmp" gpshots.XXXXXX)
c=${C#"$chr"}
trap 'cleanup; umount "$chr/tmp/.X11-unix" 2> /dev/null; rm -rf "$C"' EXIT
mkdir -p "$C/home" "$C/config/GIMP/3.0/plug-ins/ganprior" "$chr/tmp/.X11-unix"
cp "$chr/build-gimp3/plugin/ganprior" "$C/config/GIMP/3.0/plug-ins/ganprior/"
start_xvfb "$T"
mountpoint -q "$chr/tmp/.X11-unix" || mount --bind /tmp/.X11-unix "$chr/tmp/.X11-unix"
cat > "$C/shot.py" <<'PY'
from gi.repository import Gimp
image = Gimp.Image.new(256, 256, Gimp.ImageBaseType.RGB)
layer = Gimp.Layer.new(image, "source", 256, 256, Gimp.ImageType.RGB_IMAGE, 100, Gimp.LayerMode.NORMAL)
image.insert_layer(layer, None, 0)
image.select_rectangle(Gimp.ChannelOps.REPLACE, 96, 96, 64, 64)
proc = Gimp.get_pdb().lookup_procedure("plug-in-ganprior-inpaint")
config = proc.create_config()
config.set_property("run-mode", Gimp.RunMode.INTERACTIVE)
config.set_property("image", image)
config.set_core_object_array("drawables", [layer])
proc.run(config)
PY
in_chroot HOME="$c/home" XDG_CONFIG_HOME="$c/config" XDG_CACHE_HOME="$c/cache" \
  XDG_DATA_HOME="$c/data" DISPLAY="$DISPLAY" \
  timeout 120 gimp-3.0 -n -d -f -s --batch-interpreter=python-fu-eval \
  -b "exec(open('$c/shot.py').read())" --quit > "$T/gimp3.log" 2>&1 &
shoot "$out/dialog-gimp3.0.png"
wait $! || true
