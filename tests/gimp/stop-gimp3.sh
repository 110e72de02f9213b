#!/bin/bash
# The Stop window in GIMP 3.0's real window: GIMP runs in the Debian 13
# chroot (gimp3-chroot.sh) on an Xvfb display of the host, whose socket
# is bound into the chroot; Python-Fu calls Reconstruct interactively on a
# new image, and the same keys as stop-gimp2.sh's set Faces "the selection
# as it is" and 100000 iterations, accept, and press Stop while the
# search runs.  The procedure must return
# CANCEL with the image still holding its one layer, and GTK must not
# complain (a duplicate mnemonic, a bad cast).  Usage: stop-gimp3.sh MODEL
# Exit 77 (skip) without Xvfb, xdotool, the model, or (not root) the chroot.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$HERE/../.." && pwd)
model=$1
for c in Xvfb xdotool; do
  command -v $c > /dev/null || { echo "skip: no $c"; exit 77; }
done
[ -f "$model" ] || { echo "skip: no model $model"; exit 77; }
. "$HERE/gimp3-chroot.sh"
build_gimp3_plugin
. "$HERE/stop-window.sh"

T=$(mktemp -d -p "$chr/tmp" gpstop.XXXXXX)
t=${T#"$chr"}  # the same folder, seen from inside
mkdir -p "$T/home" "$T/config/GIMP/3.0/plug-ins/ganprior" "$T/models" "$chr/tmp/.X11-unix"
cp "$chr/build-gimp3/plugin/ganprior" "$T/config/GIMP/3.0/plug-ins/ganprior/"
cp "$model" "$T/models/faces128.safetensors"   # the dialog's empty model field: the default
start_xvfb "$T"
mountpoint -q "$chr/tmp/.X11-unix" || mount --bind /tmp/.X11-unix "$chr/tmp/.X11-unix" ||
  { echo "skip: cannot bind the X socket into the chroot"; exit 77; }
cleanup() {
  [ -n "${gimp:-}" ] && kill "$gimp" 2> /dev/null
  kill "$xvfb" 2> /dev/null
  umount "$chr/tmp/.X11-unix" 2> /dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; grep -v "^$\|Gtk-WARNING" "$T/gimp.log"; echo "artifacts in $T"; exit 1; }

cat > "$T/stop.py" <<'PY'
from gi.repository import Gimp
image = Gimp.Image.new(96, 96, Gimp.ImageBaseType.RGB)
layer = Gimp.Layer.new(image, "source", 96, 96, Gimp.ImageType.RGB_IMAGE, 100, Gimp.LayerMode.NORMAL)
image.insert_layer(layer, None, 0)
layer.fill(Gimp.FillType.WHITE)
proc = Gimp.get_pdb().lookup_procedure("plug-in-ganprior-reconstruct")
config = proc.create_config()
config.set_property("run-mode", Gimp.RunMode.INTERACTIVE)
config.set_property("image", image)
config.set_core_object_array("drawables", [layer])
result = proc.run(config)
print("ganprior-stop: status=%s layers=%d" % (result.index(0).value_nick, len(image.get_layers())),
      flush=True)
image.delete()
PY
# --batch-interpreter is required: without it GIMP 3 ignores -b and never quits.
in_chroot HOME="$t/home" XDG_CONFIG_HOME="$t/config" XDG_CACHE_HOME="$t/cache" \
  XDG_DATA_HOME="$t/data" DISPLAY="$DISPLAY" GANPRIOR_MODEL_PATH="$t/models" \
  timeout 300 gimp-3.0 -n -d -f -s --batch-interpreter=python-fu-eval \
  -b "exec(open('$t/stop.py').read())" --quit > "$T/gimp.log" 2>&1 &
gimp=$!

press_stop "$T"
wait "$gimp"
rc=$?
gimp=
[ $rc = 0 ] || fail "gimp-3.0 exited with $rc"
grep -q "ganprior-stop: status=cancel layers=1$" "$T/gimp.log" ||
  fail "the run was not cancelled, or the image changed"
grep -q "ganprior.*\(CRITICAL\|GLib-GObject-WARNING\)\|duplicate mnemonic" "$T/gimp.log" &&
  fail "GTK complained"
[ "${width:-0}" -ge 300 ] || fail "the progress window is ${width:-?} px wide"
echo "Stop ended the run (CANCEL); the image kept its one layer; progress window $width px wide"
[ -n "${GANPRIOR_KEEP:-}" ] && echo "artifacts in $T" || rm -rf "$T"
