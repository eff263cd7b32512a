#!/usr/bin/env bash
# Puts Debian's chromium into a private directory for the landing-page browser test, never into the system:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/xen-pm-exporter/browser
# chromium and chromium-common are fetched with `apt-get download` and unpacked with `dpkg-deb -x`, with the
# shared libraries they need that this machine lacks (scripts/deb-unpack.sh, the mechanism of
# ensure-test-tools.sh), and fonts-dejavu-core with a private fontconfig file so pages render the same text on
# every machine. Installing chromium would start no service, but it would put a browser on the machine; the
# unpacked copy runs from the cache only, through bin/chromium (a wrapper that sets the library path).
# Its own directory and layout number, not the tools cache's: several checkouts share these caches, and a
# layout bump in one script must not make checkouts rebuild each other's cache in turn.
# Prints the wrapper's path on stdout; everything else goes to stderr.
set -euo pipefail

DIR="${XEN_PM_BROWSER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-pm-exporter/browser}"
LAYOUT=2

ready() {
  [ "$(cat "$DIR/.layout" 2>/dev/null)" = "$LAYOUT" ] && "$DIR/bin/chromium" --version >/dev/null 2>&1
}

if ready; then
  echo "$DIR/bin/chromium"
  exit 0
fi

mkdir -p "$(dirname "$DIR")"
exec 9>"$(dirname "$DIR")/.browser.lock"
flock -w 600 9 || { echo "ensure-test-browser: another run holds $(dirname "$DIR")/.browser.lock" >&2; exit 1; }
if ready; then
  echo "$DIR/bin/chromium"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
  echo "ensure-test-browser: needs apt-get and dpkg-deb (Debian/Ubuntu) to fetch chromium" >&2
  exit 1
}

echo "ensure-test-browser: unpacking chromium into $DIR" >&2
STAGE="$(mktemp -d "$(dirname "$DIR")/.browser-stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/debs" "$STAGE/root" "$STAGE/bin"
# shellcheck source=deb-unpack.sh
. "$(dirname "$0")/deb-unpack.sh"

# chromium-common holds the resources next to the binary; the recursion follows lib* packages only.
for p in chromium chromium-common fonts-dejavu-core; do fetch "$p" force; done
for deb in "$STAGE"/debs/*.deb; do dpkg-deb -x "$deb" "$STAGE/root"; done
(cd "$STAGE/debs" && ls) >"$STAGE/packages.txt"
rm -rf "$STAGE/debs"

# Only the unpacked DejaVu fonts: screenshots do not change with the fonts a machine has.
# Absolute paths of the final directory (the stage is renamed to it): fontconfig resolves a relative
# cachedir against the working directory, which would litter the checkout.
cat >"$STAGE/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>$DIR/root/usr/share/fonts</dir>
  <cachedir>$DIR/fontconfig-cache</cachedir>
</fontconfig>
EOF

# Every directory of the unpacked tree that holds shared objects (pulseaudio keeps libpulsecommon in a subdirectory).
LIBDIRS="$(cd "$STAGE" && find root -name '*.so*' -printf '%h\n' | sort -u | sed 's|^|$T/|' | paste -sd:)"
cat >"$STAGE/bin/chromium" <<EOF
#!/bin/sh
# Runs Debian's chromium unpacked by scripts/ensure-test-browser.sh; never a system-wide browser.
T="\$(cd "\$(dirname "\$0")/.." && pwd)"
export FONTCONFIG_FILE="\$T/fonts.conf"
LD_LIBRARY_PATH="$LIBDIRS\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$T/root/usr/lib/chromium/chromium" "\$@"
EOF
chmod 0755 "$STAGE/bin/chromium"
echo "$LAYOUT" >"$STAGE/.layout"

rm -rf "$DIR.old"
[ -e "$DIR" ] && mv "$DIR" "$DIR.old"
mv "$STAGE" "$DIR"
rm -rf "$DIR.old"
trap - EXIT
ready || { echo "ensure-test-browser: the unpacked chromium does not run: $("$DIR/bin/chromium" --version 2>&1 | tail -3)" >&2; exit 1; }
echo "ensure-test-browser: ready: $("$DIR/bin/chromium" --version) ($(wc -l <"$DIR/packages.txt") packages)" >&2
echo "$DIR/bin/chromium"
