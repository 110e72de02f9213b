#!/bin/bash
# Builds the Debian 13 ("trixie") chroot the GIMP 3.0 tests run in: Debian 12
# has no GIMP 3, but its package archive serves trixie too.  Root only;
# about 3 minutes and 1.7 GB.  Usage: trixie-chroot.sh DIR
set -euo pipefail
chr=$1
packages="gimp libgimp-3.0-dev libgegl-dev libbabl-dev libopenblas-dev libjson-c-dev
          libpng-dev meson ninja-build gcc pkg-config"
command -v debootstrap > /dev/null || apt-get install -y debootstrap
[ -x "$chr/usr/bin/apt-get" ] || debootstrap --variant=minbase trixie "$chr"
# Nothing is mounted: GIMP, meson and apt need neither /proc nor /dev here.
in_chroot() {
  chroot "$chr" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
in_chroot apt-get update
# shellcheck disable=SC2086
in_chroot apt-get install -y $packages
in_chroot apt-get clean
