#!/usr/bin/env bash
# The test suite starts real tools: promtool and prometheus (Debian package `prometheus`),
# openssl (certificates for the TLS tests) and systemd-analyze (the unit checks). Install what
# is missing rather than skipping tests without it.
set -euo pipefail
need=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || need+=(prometheus)
command -v openssl >/dev/null || need+=(openssl)
command -v systemd-analyze >/dev/null || need+=(systemd)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-test-tools: missing ${need[*]}; install them (Debian: apt-get install ${need[*]}) and re-run" >&2
  exit 1
fi
echo "ensure-test-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
