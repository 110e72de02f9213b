# Sourced by the GIMP 3.0 tests (run-gimp3.sh, stop-gimp3.sh): the Debian 13
# chroot ($GANPRIOR_TRIXIE, default /var/cache/ganprior/trixie, built by
# trixie-chroot.sh when missing), a command run inside it, and the plug-in
# built there for GIMP 3 from a copy of this tree.  Needs $HERE (this
# folder) and $src (the tree); exits 77 (skip) without a chroot it may build.
chr=${GANPRIOR_TRIXIE:-/var/cache/ganprior/trixie}
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

# Leaves the GIMP 3 plug-in at $chr/build-gimp3/plugin/ganprior.
build_gimp3_plugin() {
  sync_tree "$src" "$chr/src/ganprior"
  local setup=(meson setup /build-gimp3 /src/ganprior -Dgimp_api=3 -Dshared_dir=/nonexistent)
  [ -f "$chr/build-gimp3/build.ninja" ] && setup+=(--reconfigure)
  in_chroot "${setup[@]}" > "$chr/build-gimp3.log" 2>&1 &&
    in_chroot ninja -C /build-gimp3 plugin/ganprior >> "$chr/build-gimp3.log" 2>&1 ||
    { cat "$chr/build-gimp3.log"; echo "building the plug-in for GIMP 3 failed"; exit 1; }
}
