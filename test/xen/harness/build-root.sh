#!/usr/bin/env bash
# Builds the test dom0's root as an initramfs: busybox, kmod, the Debian Xen 4.17 tools and the
# libraries they link, the dom0 kernel's Xen modules, Node, and the daemon as one file.
# Usage: build-root.sh BUNDLE OUT.cpio.gz
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XPM_XEN_CACHE:-/var/tmp/xen-pm-exporter-xen}
BUNDLE=$1
OUT=$2
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,xpm,etc,proc,sys,dev,tmp}
cp /bin/busybox "$ROOT/bin/busybox"
with_libs() {
  for f in "$@"; do
    cp --parents -L "$f" "$ROOT"
    ldd "$f" | grep -o '/[^ )]*' | while read -r lib; do cp --parents -L "$lib" "$ROOT"; done
  done
}
with_libs /usr/lib/xen-4.17/bin/xenpm /usr/lib/xen-4.17/bin/xl /usr/lib/xen-4.17/bin/xenstored \
  /usr/lib/xen-4.17/bin/xen-init-dom0 /usr/bin/kmod "$(command -v node)"
[ -x "$ROOT/usr/bin/node" ] || cp "$(command -v node)" "$ROOT/usr/bin/node"
# kmod's modprobe, called by full path: busybox's applet prints different messages.
ln -sf /usr/bin/kmod "$ROOT/sbin/modprobe"
KV=$(ls "$CACHE/kernel/lib/modules")
mkdir -p "$ROOT/lib/modules/$KV/kernel/drivers"
cp -r "$CACHE/kernel/lib/modules/$KV/kernel/drivers/xen" "$ROOT/lib/modules/$KV/kernel/drivers/"
cp "$CACHE/kernel/lib/modules/$KV"/modules.{order,builtin} "$ROOT/lib/modules/$KV/"
depmod -b "$ROOT" "$KV"
cp "$HERE/init.sh" "$ROOT/init"
chmod +x "$ROOT/init"
cp "$BUNDLE" "$ROOT/xpm/xen-pm-exporter.mjs"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
ls -la "$OUT" | awk '{print "dom0 root: " $5 " bytes"}'
