#!/usr/bin/env bash
# Installs what the real-Xen suite needs, from Debian's packages only, and unpacks the hypervisor and a
# dom0 kernel into $CACHE (apt-get download + dpkg-deb -x takes seconds; installing them would run
# initramfs triggers for minutes).
set -euo pipefail
CACHE=${XPM_XEN_CACHE:-/var/tmp/xen-pm-exporter-xen}
mkdir -p "$CACHE"
need=()
for p in qemu-system-x86 busybox-static cpio acpica-tools xen-utils-4.17 kmod; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "install-deps: need root to install ${need[*]}" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cd "$CACHE"
if [ ! -f xen/boot/xen-4.17-amd64.gz ]; then
  apt-get download xen-hypervisor-4.17-amd64 >/dev/null 2>&1
  dpkg-deb -x xen-hypervisor-4.17-amd64_*.deb xen
fi
if ! ls kernel/boot/vmlinuz-* >/dev/null 2>&1; then
  # linux-image-amd64 is a metapackage: resolve it to the concrete image it depends on.
  img=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
  [ -n "$img" ] || { echo "install-deps: cannot resolve linux-image-amd64" >&2; exit 1; }
  apt-get download "$img" >/dev/null 2>&1
  dpkg-deb -x "$img"_*.deb kernel
  rm -f "$img"_*.deb
fi
[ -f xen/boot/xen-4.17-amd64 ] || gunzip -kf xen/boot/xen-4.17-amd64.gz
echo "$CACHE"
