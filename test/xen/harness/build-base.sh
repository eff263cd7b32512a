#!/usr/bin/env bash
# Builds the release part of the test dom0's root (cached per release): busybox, the release's kmod and
# Xen tools (xenpm, xl, xenstored, xen-init-dom0) with the release's own glibc and libraries, and the
# release kernel's Xen/ACPI/cpufreq modules. Merged-/usr layout, so bullseye's /lib and trixie's
# /usr/lib packages land in one place and every binary's PT_INTERP (/lib64/ld-linux...) resolves.
# Fails when a binary needs a library the release's packages did not bring (the closure is checked
# from the ELF NEEDED entries, never from the host's ldd).
# Usage: build-base.sh SUITE XENVER OUT.cpio
set -euo pipefail
SUITE=$1
XENVER=$2
OUT=$3
CACHE=${XPM_XEN_CACHE:-/var/tmp/xen-pm-exporter-xen}
R="$CACHE/$SUITE"
die() { echo "build-base($SUITE): $*" >&2; exit 1; }
[ -f "$R/ready" ] || die "run fetch-release.sh $SUITE first"
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,xpm,etc,proc,sys,dev,tmp,run,var}
ln -s usr/lib "$ROOT/lib"
ln -s usr/lib64 "$ROOT/lib64"
cp /bin/busybox "$ROOT/bin/busybox"
file_is_static() { ! readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }
file_is_static "$ROOT/bin/busybox" || die "/bin/busybox is not static (install busybox-static)"
# The release's shared libraries and loader, wherever its packages put them.
for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
  [ -d "$R/root/$d" ] && cp -a "$R/root/$d/." "$ROOT/usr/lib/x86_64-linux-gnu/"
done
for d in lib64 usr/lib64; do [ -d "$R/root/$d" ] && cp -a "$R/root/$d/." "$ROOT/usr/lib64/"; done
rm -rf "$ROOT/usr/lib/x86_64-linux-gnu"/{gconv,engines-3,ossl-modules,audit}
# bullseye's /lib64/ld-linux-x86-64.so.2 is an absolute symlink: resolve it inside the image, not on the host.
inroot() { local p=$1; while [ -L "$ROOT$p" ]; do local t; t=$(readlink "$ROOT$p"); case $t in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac; done; [ -e "$ROOT$p" ]; }
inroot /usr/lib64/ld-linux-x86-64.so.2 || die "no ld-linux-x86-64.so.2 in $SUITE's libc6"
XB="usr/lib/xen-$XENVER/bin"
mkdir -p "$ROOT/$XB"
for b in xenpm xl xenstored xen-init-dom0; do
  [ -f "$R/root/$XB/$b" ] || die "xen-utils-$XENVER has no $XB/$b"
  cp "$R/root/$XB/$b" "$ROOT/$XB/"
done
KMOD=$(ls "$R/root/bin/kmod" "$R/root/usr/bin/kmod" 2>/dev/null | head -n1 || true)
[ -n "$KMOD" ] || die "no kmod binary in $SUITE's kmod package"
cp "$KMOD" "$ROOT/usr/bin/kmod"
# kmod's modprobe by full path: busybox's applet prints different messages.
ln -s /usr/bin/kmod "$ROOT/sbin/modprobe"
ln -s /usr/bin/kmod "$ROOT/sbin/lsmod"

# Every NEEDED soname of every packed ELF must be in the image.
missing=$(
  for f in "$ROOT/$XB"/* "$ROOT/usr/bin/kmod" "$ROOT/usr/lib/x86_64-linux-gnu"/*.so*; do
    [ -L "$f" ] && continue
    readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r so; do
      inroot "/usr/lib/x86_64-linux-gnu/$so" || inroot "/usr/lib64/$so" || echo "${f#"$ROOT"} needs $so"
    done
  done | sort -u)
[ -z "$missing" ] || die "library closure incomplete:
$missing"

KV=$(cat "$R/kernel-version")
mkdir -p "$ROOT/usr/lib/modules"
cp -r "$R/modules/$KV" "$ROOT/usr/lib/modules/"
depmod -b "$ROOT" "$KV" || die "depmod failed"
[ -n "$(find "$ROOT/usr/lib/modules/$KV" -name 'xen-acpi-processor.ko')" ] || die "kernel $KV has no xen-acpi-processor module"
# Uncompressed: inflating it would cost the emulated dom0 seconds of TCG time at every boot.
(cd "$ROOT" && find . | cpio -o -H newc --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build-base($SUITE): $(stat -c %s "$OUT") bytes"
