#!/usr/bin/env bash
# Installs the HOST tools the real-Xen suite needs, from Debian's packages (none of them ships a
# service): QEMU, a static busybox for the dom0 image, cpio, iasl, kmod's depmod, readelf, xz/zstd (to
# unpack kernel modules) and Debian's archive keyring (to verify the other releases' indexes).
# The Xen and kernel packages of each release are fetched separately by fetch-release.sh, never installed.
set -euo pipefail
need=()
for p in qemu-system-x86 busybox-static cpio acpica-tools kmod binutils xz-utils zstd debian-archive-keyring; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "install-deps: need root to install ${need[*]}" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || { echo "install-deps: apt-get update failed" >&2; exit 1; }
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "install-deps: cannot install ${need[*]}" >&2; exit 1; }
fi
for t in qemu-system-x86_64 iasl cpio depmod readelf xz zstd; do
  command -v "$t" >/dev/null || { echo "install-deps: $t still missing after installing its package" >&2; exit 1; }
done
