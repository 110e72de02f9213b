#!/usr/bin/env bash
# Installs from Debian's archive what building and testing need, if anything
# is missing (apt-get update first: a fresh machine has no package lists).
# Called by tests/run-all.sh; set GANPRIOR_NO_INSTALL=1 to skip.
set -euo pipefail

# GIMP's development package is the one release difference: Debian 12 has
# GIMP 2.10, Debian 13 GIMP 3.0.
. /etc/os-release
case "${VERSION_ID:-}" in
  12) libgimp=libgimp2.0-dev ;;
  13) libgimp=libgimp-3.0-dev ;;
  *) echo "install-deps.sh: Debian 12 or 13 expected, this is ${PRETTY_NAME:-unknown}" >&2; exit 1 ;;
esac
packages=(gcc meson ninja-build pkg-config libopenblas-dev libjson-c-dev libpng-dev
          gimp "$libgimp" libgegl-dev libbabl-dev debootstrap clang libclang-rt-dev
          python3-torch python3-numpy python3-h5py python3-pil python3-scipy xvfb xdotool)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
