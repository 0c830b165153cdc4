#!/bin/sh
# Puts the QEMU TCG plugin API header (qemu-plugin.h) into quantc's cache, taken from Debian's
# qemu source package (the header is not shipped in any binary package). quantc compiles its
# counting plugin (boards/qemu-plugin) against it on first use. Adds a deb-src entry when the
# system has none. Idempotent: does nothing when the header is already there.
set -eu
cache=${QUANTC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quantc}
dest="$cache/qemu-plugin-api"
[ -f "$dest/qemu-plugin.h" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! grep -rqs '^[^#]*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "adding a deb-src entry for the qemu source package"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee /etc/apt/sources.list.d/quantc-deb-src.sources >/dev/null
  else
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/quantc-deb-src.list >/dev/null
  fi
  $SUDO apt-get update -qq
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work"
echo "downloading Debian's qemu source package for qemu-plugin.h"
apt-get source --download-only -qq qemu >/dev/null
tar -xJf qemu_*.orig.tar.xz --wildcards '*/include/qemu/qemu-plugin.h'
mkdir -p "$dest"
cp ./*/include/qemu/qemu-plugin.h "$dest/"
echo "qemu-plugin.h installed in $dest"
