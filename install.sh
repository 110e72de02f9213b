#!/bin/sh
# One command on Debian 12 (GIMP 2.10) or Debian 13 (GIMP 3.0): installs the
# build dependencies, builds, and installs for the current user the GIMP
# plug-in (Filters > Enhance > GAN Prior), its icons and models, and the
# `ganprior` command (~/.local/bin).  Run it from the source folder.
set -eu
cd "$(dirname "$0")"
. /etc/os-release
case "${VERSION_ID:-}" in
  12) gimp_packages="gimp libgimp2.0-dev"; api=2; gimp_dir=2.10 ;;
  13) gimp_packages="gimp libgimp-3.0-dev"; api=3; gimp_dir=3.0 ;;
  *) echo "install.sh: Debian 12 or 13 expected, this is ${PRETTY_NAME:-unknown}" >&2; exit 1 ;;
esac
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update
# shellcheck disable=SC2086
$sudo apt-get install -y --no-install-recommends gcc meson ninja-build pkg-config \
  libopenblas-dev libjson-c-dev libpng-dev libgegl-dev libbabl-dev $gimp_packages \
  python3-numpy
config=${XDG_CONFIG_HOME:-$HOME/.config}
# GIMP 3 only loads plug-ins from a folder of their own: plug-ins/ganprior/ganprior.
meson setup build-user --prefix="$HOME/.local" -Dgimp_api=$api -Dtests=false \
  -Dplugindir="$config/GIMP/$gimp_dir/plug-ins" --reconfigure 2>/dev/null ||
  meson setup build-user --prefix="$HOME/.local" -Dgimp_api=$api -Dtests=false \
    -Dplugindir="$config/GIMP/$gimp_dir/plug-ins"
ninja -C build-user install
echo "Installed.  Restart GIMP $gimp_dir and look in Filters > Enhance > GAN Prior."
