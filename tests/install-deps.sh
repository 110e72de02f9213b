#!/usr/bin/env bash
# Installs from Debian's archive what building and testing need, if anything
# is missing (apt-get update first: a fresh machine has no package lists).
# Called by tests/run-all.sh; set GANPRIOR_NO_INSTALL=1 to skip.
set -euo pipefail

packages=(gcc meson ninja-build pkg-config libopenblas-dev libjson-c-dev libpng-dev
          gimp libgimp2.0-dev libgegl-dev libbabl-dev debootstrap clang libclang-rt-14-dev
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
