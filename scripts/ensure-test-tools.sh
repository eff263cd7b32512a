#!/usr/bin/env bash
# Puts the real tools the test suite runs into a private directory, never into the system:
#   prometheus, promtool (Debian package prometheus), systemd-analyze (systemd + libsystemd-shared),
#   jsonnet, openssl, systemd-socket-activate (socket activation), prometheus-node-exporter (the
#   benchmark's comparison), and for the remote collector: shellcheck, dash, busybox (busybox-static), the
#   OpenSSH client and ssh-keygen (openssh-client). The OpenSSH server is unpacked by test/remote/sshd.ts.
# Each Debian package is fetched with `apt-get download` and unpacked with `dpkg-deb -x` into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/xen-pm-exporter/tools/root
# with small wrappers in tools/bin that the tests put first on PATH. Nothing is installed, so no
# maintainer script runs and no service is enabled or started (Debian's prometheus package would
# enable and start prometheus.service). Shared libraries a package needs and the machine lacks are
# unpacked beside it and found through LD_LIBRARY_PATH.
# Prints the bin directory on stdout; everything else goes to stderr.
set -euo pipefail

# sshd (unpacked by test/remote/sshd.ts) refuses to start without its privilege-separation user, which
# openssh-server's postinst would create. Create it the same way (a system account, no shell, no home).
if ! getent passwd sshd >/dev/null && [ "$(id -u)" -eq 0 ]; then
  useradd --system --no-create-home --home-dir /run/sshd --shell /usr/sbin/nologin sshd
fi

TOOLS="${XEN_PM_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xen-pm-exporter/tools}"
BIN="$TOOLS/bin"
ROOT="$TOOLS/root"
# Bump when the layout or the package list changes: a cache built by an older script is rebuilt.
LAYOUT=6

ready() {
  [ "$(cat "$TOOLS/.layout" 2>/dev/null)" = "$LAYOUT" ] || return 1
  "$BIN/promtool" --version >/dev/null 2>&1 &&
    "$BIN/prometheus" --version >/dev/null 2>&1 &&
    "$BIN/systemd-analyze" --version >/dev/null 2>&1 &&
    "$BIN/jsonnet" --version >/dev/null 2>&1 &&
    "$BIN/openssl" version >/dev/null 2>&1 &&
    "$BIN/prometheus-node-exporter" --version >/dev/null 2>&1 &&
    "$BIN/systemd-socket-activate" --version >/dev/null 2>&1 &&
    "$BIN/shellcheck" --version >/dev/null 2>&1 &&
    "$BIN/ssh" -V >/dev/null 2>&1 &&
    [ -x "$ROOT/bin/dash" ] && [ -x "$ROOT/bin/busybox" ]
}

if ready; then
  echo "$BIN"
  exit 0
fi

# Two test runs (two checkouts) may start at once: one builds, the other waits and reuses its work.
mkdir -p "$(dirname "$TOOLS")"
exec 9>"$(dirname "$TOOLS")/.tools.lock"
flock -w 600 9 || { echo "ensure-test-tools: another run holds $(dirname "$TOOLS")/.tools.lock" >&2; exit 1; }
if ready; then
  echo "$BIN"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
  echo "ensure-test-tools: needs apt-get and dpkg-deb (Debian/Ubuntu) to fetch the test tools" >&2
  exit 1
}

echo "ensure-test-tools: unpacking test tools into $TOOLS" >&2
# Build into a fresh directory and swap it in at the end: an interrupted run leaves no half cache.
STAGE="$(mktemp -d "$(dirname "$TOOLS")/.tools-stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/debs" "$STAGE/root" "$STAGE/bin"

# shellcheck source=deb-unpack.sh
. "$(dirname "$0")/deb-unpack.sh"

# Always fetched, installed or not: the tests must not depend on what the machine happens to have.
# libsystemd-shared carries the libraries systemd-analyze loads and must match systemd's version.
for p in libsystemd-shared systemd prometheus jsonnet openssl prometheus-node-exporter shellcheck dash busybox-static openssh-client; do fetch "$p" force; done
for deb in "$STAGE"/debs/*.deb; do dpkg-deb -x "$deb" "$STAGE/root"; done
(cd "$STAGE/debs" && ls) >"$STAGE/packages.txt"

LIBS='$T/root/usr/lib/x86_64-linux-gnu/systemd:$T/root/usr/lib/x86_64-linux-gnu:$T/root/lib/x86_64-linux-gnu'
# The multiarch triplet of this machine, as the unpacked systemd package spells its library directory.
MA="$(basename "$(dirname "$(dirname "$(ls "$STAGE"/root/usr/lib/*/systemd/libsystemd-shared-*.so | head -1)")")")"
LIBS="${LIBS//x86_64-linux-gnu/$MA}"
wrapper() { # name, path inside root
  cat >"$STAGE/bin/$1" <<EOF
#!/bin/sh
# Runs $2 unpacked from Debian's package (scripts/ensure-test-tools.sh); never the system's copy.
T="\$(cd "\$(dirname "\$0")/.." && pwd)"
LD_LIBRARY_PATH="$LIBS\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$T/root$2" "\$@"
EOF
  chmod 0755 "$STAGE/bin/$1"
}
wrapper prometheus /usr/bin/prometheus
wrapper promtool /usr/bin/promtool
wrapper systemd-analyze /usr/bin/systemd-analyze
wrapper jsonnet /usr/bin/jsonnet
wrapper openssl /usr/bin/openssl
wrapper prometheus-node-exporter /usr/bin/prometheus-node-exporter
wrapper systemd-socket-activate /usr/bin/systemd-socket-activate
wrapper shellcheck /usr/bin/shellcheck
wrapper ssh /usr/bin/ssh
wrapper ssh-keygen /usr/bin/ssh-keygen
wrapper dash /bin/dash
wrapper busybox /bin/busybox
echo "$LAYOUT" >"$STAGE/.layout"

rm -rf "$TOOLS.old"
[ -e "$TOOLS" ] && mv "$TOOLS" "$TOOLS.old"
mv "$STAGE" "$TOOLS"
rm -rf "$TOOLS.old"
trap - EXIT
ready || { echo "ensure-test-tools: the unpacked tools do not run; see $TOOLS" >&2; exit 1; }
echo "ensure-test-tools: ready: $(tr '\n' ' ' <"$TOOLS/packages.txt")" >&2
echo "$BIN"
