#!/bin/bash
# README's two commands on a fresh machine: in a minbase Debian chroot (only
# what debootstrap installs, no package lists), a copy of this tree runs
# ./install.sh, the installed `ganprior` and plug-in are checked, and then
# tests/run-all.sh runs the suite (less the GIMP application tests, which
# need chroots and windows of their own, and less this test).
#   fresh-machine.sh bookworm|trixie
# The pristine chroot and the downloaded packages are cached under
# $GANPRIOR_CACHE (default /var/cache/ganprior); each run starts from a
# copy of the pristine one, so apt-get update and every install happen anew.
# Exit 77 (skip) when not root, without the shared data, or with
# GANPRIOR_FRESH=0.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$HERE/../.." && pwd)
release=$1
shared=$(cd "${GANPRIOR_SHARED:-$src/../shared}" 2>/dev/null && pwd) ||
  { echo "skip: no shared data beside the tree"; exit 77; }
[ "${GANPRIOR_FRESH:-1}" != 0 ] || { echo "skip: GANPRIOR_FRESH=0"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skip: a chroot needs root"; exit 77; }
cache=${GANPRIOR_CACHE:-/var/cache/ganprior}
base=$cache/fresh-$release
debs=$cache/fresh-$release-debs

if [ ! -x "$base/usr/bin/apt-get" ]; then
  command -v debootstrap > /dev/null || apt-get install -y debootstrap || exit 1
  rm -rf --one-file-system "$base.partial"
  debootstrap --variant=minbase "$release" "$base.partial" > "$cache/fresh-$release.log" 2>&1 ||
    { tail -20 "$cache/fresh-$release.log"; echo "debootstrap $release failed"; exit 1; }
  rm -f "$base.partial"/var/cache/apt/archives/*.deb
  mv "$base.partial" "$base"
fi

work=$(mktemp -d -p /var/tmp ganprior-fresh.XXXXXX)
# Removed only after the private mount namespace below has ended, so no
# bind mount (the shared data!) can be inside it any more.
trap 'rm -rf --one-file-system "$work"' EXIT
cp -a "$base/." "$work/"
mkdir -p "$debs/partial" "$work/root/ganprior/main" "$work/root/ganprior/shared"
# The tree as a clone has it: tracked and untracked-but-not-ignored files.
git -C "$src" ls-files -z -co --exclude-standard |
  tar -C "$src" --null --ignore-failed-read -T - -cf - 2>/dev/null |
  tar -C "$work/root/ganprior/main" -xf -

cat > "$work/root/fresh-steps.sh" <<'STEPS'
set -eu
cd /root/ganprior/main
echo "== ./install.sh"
./install.sh
echo "== the installed command and plug-in"
~/.local/bin/ganprior --version
. /etc/os-release
[ "$VERSION_ID" = 12 ] && plugin=.config/GIMP/2.10/plug-ins/ganprior \
                       || plugin=.config/GIMP/3.0/plug-ins/ganprior/ganprior
[ -x ~/"$plugin" ] || { echo "no plug-in at ~/$plugin"; exit 1; }
echo "plug-in at ~/$plugin"
echo "== tests/run-all.sh"
tests/run-all.sh --no-suite gimp-app --no-suite fresh
STEPS

log=$work.log
unshare --mount --propagation private /bin/bash -c '
  set -e
  w=$1
  mount --rbind /dev "$w/dev"
  mount -t proc proc "$w/proc"
  mount --bind "$2" "$w/var/cache/apt/archives"
  mount --bind "$3" "$w/root/ganprior/shared"
  mount -o remount,bind,ro "$w/root/ganprior/shared"
  chroot "$w" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/bash /root/fresh-steps.sh' \
  fresh "$work" "$debs" "$shared" > "$log" 2>&1
status=$?
grep -E "^== |^ganprior |^plug-in at|^ *[0-9]+/[0-9]+ .*(OK|FAIL|SKIP|TIMEOUT|ERROR)|passed, " "$log"
if [ $status -ne 0 ] || ! tail -1 "$log" | grep -Eq "^[0-9]+ passed, 0 failed"; then
  tail -40 "$log"
  echo "fresh $release: FAILED (exit $status; log $log)"
  exit 1
fi
rm -f "$log"
echo "fresh $release: install and suite passed"
