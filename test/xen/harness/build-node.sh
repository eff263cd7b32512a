#!/usr/bin/env bash
# Packs the host's node into /node with its OWN loader and libraries, so it runs in every release's
# dom0 whatever that release's glibc is: /usr/bin/node calls /node/ld-linux-x86-64.so.2 explicitly.
# Usage: build-node.sh OUT.cpio
set -euo pipefail
OUT=$1
NODE=$(command -v node)
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/node/lib" "$ROOT/usr/bin"
# Debug info is a tenth of the binary; the guest only needs the code.
strip --strip-all -o "$ROOT/node/node" "$NODE"
ldd "$NODE" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | while read -r lib; do cp -L "$lib" "$ROOT/node/lib/"; done
LOADER=$(ldd "$NODE" | sed -n 's/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) .*/\1/p' | head -n1)
[ -n "$LOADER" ] || { echo "build-node: cannot find node's loader" >&2; exit 1; }
cp -L "$LOADER" "$ROOT/node/ld-linux-x86-64.so.2"
cat > "$ROOT/usr/bin/node" <<'SH'
#!/bin/sh
exec /node/ld-linux-x86-64.so.2 --library-path /node/lib /node/node "$@"
SH
chmod +x "$ROOT/usr/bin/node"
# Uncompressed: the emulated dom0 kernel would spend many seconds of TCG time inflating it.
(cd "$ROOT" && find . | cpio -o -H newc --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build-node: $(stat -c %s "$OUT") bytes"
