#!/usr/bin/env bash
# The per-run part of the test dom0's root: /init, the daemon bundle, and the fleet collector when the
# repository has one. Appended after the cached base and node archives (the kernel unpacks
# concatenated initramfs archives in order).
# Usage: build-overlay.sh BUNDLE OUT.cpio.gz [COLLECTOR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUNDLE=$1
OUT=$2
COLLECTOR=${3:-}
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/xpm"
cp "$HERE/init.sh" "$ROOT/init"
chmod +x "$ROOT/init"
cp "$BUNDLE" "$ROOT/xpm/xen-pm-exporter.mjs"
[ -n "$COLLECTOR" ] && cp "$COLLECTOR" "$ROOT/xpm/xen-pm-collect"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
