#!/usr/bin/env bash
# Fetches one Debian release's Xen hypervisor, Xen tools, dom0 kernel and kmod, with the library closure
# of those binaries taken from THAT release (a trixie xenpm needs trixie's glibc), into
# $CACHE/<suite>/. Uses a private apt state (its own sources, lists, cache and an empty dpkg status, so
# the host's installed packages never stand in for the release's); the machine's apt configuration is
# never read or changed. Everything is `apt-get download` + `dpkg-deb -x`: nothing is installed.
# Usage: fetch-release.sh SUITE XENVER        e.g. fetch-release.sh trixie 4.20
set -euo pipefail
SUITE=$1
XENVER=$2
CACHE=${XPM_XEN_CACHE:-/var/tmp/xen-pm-exporter-xen}
R="$CACHE/$SUITE"
# The cache is keyed by this script: a changed recipe fetches again.
KEY=$(sha256sum "$0" | cut -c1-16)
[ "$(cat "$R/ready" 2>/dev/null)" = "$KEY" ] && exit 0
die() { echo "fetch-release($SUITE): $*" >&2; exit 1; }
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"
rm -rf "$R"
mkdir -p "$R/apt/etc" "$R/apt/lists/partial" "$R/apt/cache/archives/partial" "$R/debs"
: > "$R/apt/status"
cat > "$R/apt/etc/$SUITE.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITE
Components: main
Signed-By: $KEYRING
EOF
APT=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$R/apt/etc" -o "Dir::State::Lists=$R/apt/lists"
  -o "Dir::Cache=$R/apt/cache" -o "Dir::State::status=$R/apt/status" -o Dir::Etc::preferencesparts=/dev/null
  -o Dir::Etc::preferences=/dev/null -o APT::Sandbox::User=root -o Debug::NoLocking=1)
apt-get "${APT[@]}" -qq update || die "apt-get update of $SUITE failed (is deb.debian.org reachable?)"

# The dom0 kernel: linux-image-amd64 is a metapackage, resolve it to the concrete image.
KIMG=$(apt-cache "${APT[@]}" depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
[ -n "$KIMG" ] || die "cannot resolve linux-image-amd64 in $SUITE"

# Library closure: follow Depends/Pre-Depends from the roots, but only into lib* packages (xen-utils also
# depends on python3 and xen-utils-common, which the dom0 image does not need).
# zlib1g and libcom-err2 come from "required" packages that Debian packages do not declare as
# dependencies; build-base.sh checks the whole closure against the ELF NEEDED entries.
ROOTS=("xen-utils-$XENVER" kmod zlib1g libcom-err2)
declare -A seen=()
queue=("${ROOTS[@]}")
while [ ${#queue[@]} -gt 0 ]; do
  next=()
  for dep in $(apt-cache "${APT[@]}" depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "${queue[@]}" \
      | sed -n 's/^ *\(Pre\)\{0,1\}Depends: \([a-z0-9][a-z0-9.+-]*\)$/\2/p' | sort -u); do
    case "$dep" in lib*) ;; *) continue ;; esac
    [ -n "${seen[$dep]:-}" ] && continue
    seen[$dep]=1
    next+=("$dep")
  done
  queue=("${next[@]}")
done
PKGS=("${ROOTS[@]}" "${!seen[@]}")
echo "fetch-release($SUITE): ${#PKGS[@]} packages for the tools' closure, kernel $KIMG"
(cd "$R/debs" && apt-get "${APT[@]}" -qq download "xen-hypervisor-$XENVER-amd64" "$KIMG" "${PKGS[@]}") \
  || die "apt-get download failed for $SUITE"

mkdir -p "$R/xen" "$R/kernel" "$R/root"
dpkg-deb -x "$R/debs"/xen-hypervisor-"$XENVER"-amd64_*.deb "$R/xen"
gunzip -kf "$R/xen/boot/xen-$XENVER-amd64.gz"
rm -f "$R/xen/boot"/*.efi
dpkg-deb -x "$R/debs/$KIMG"_*.deb "$R/kernel"
for p in "${PKGS[@]}"; do dpkg-deb -x "$R/debs/$p"_*.deb "$R/root"; done
# Keep the modules the dom0 needs (Xen, ACPI, cpufreq), uncompressed so any depmod/modprobe reads them.
# bullseye/bookworm ship /lib/modules, trixie (merged /usr) /usr/lib/modules.
MODROOT=
for d in "$R/kernel/lib/modules" "$R/kernel/usr/lib/modules"; do [ -d "$d" ] && MODROOT=$d; done
[ -n "$MODROOT" ] || die "no modules directory in $KIMG"
KV=$(ls "$MODROOT")
M="$MODROOT/$KV"
mkdir -p "$R/modules/$KV/kernel/drivers"
for d in xen acpi cpufreq; do [ -d "$M/kernel/drivers/$d" ] && cp -r "$M/kernel/drivers/$d" "$R/modules/$KV/kernel/drivers/"; done
cp "$M"/modules.order "$M"/modules.builtin "$R/modules/$KV/"
[ -f "$M/modules.builtin.modinfo" ] && cp "$M/modules.builtin.modinfo" "$R/modules/$KV/"
find "$R/modules" -name '*.ko.xz' -exec xz -d {} +
find "$R/modules" -name '*.ko.zst' -exec zstd -q -d --rm {} +
sed -i 's/\.ko\.\(xz\|zst\)$/.ko/' "$R/modules/$KV/modules.order" "$R/modules/$KV/modules.builtin"
VMLINUZ=$(ls "$R/kernel/boot"/vmlinuz-*)
mv "$VMLINUZ" "$R/vmlinuz"
rm -rf "$R/kernel"
# Package versions, for the fixtures' provenance.
for deb in "$R/debs"/*.deb; do dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"; done | sort > "$R/versions.txt"
echo "$KV" > "$R/kernel-version"
rm -rf "$R/debs" "$R/apt/cache"
echo "$KEY" > "$R/ready"
echo "fetch-release($SUITE): ready in $R"
