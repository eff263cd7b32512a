#!/usr/bin/env bash
# The test suite starts real tools: promtool and prometheus (Debian package `prometheus`),
# openssl (certificates for the TLS tests), systemd-analyze (the unit checks), and for the remote
# collector: shellcheck, dash, busybox (busybox-static), the OpenSSH client and ssh-keygen. The
# OpenSSH server is never installed (its postinst would start ssh.service): test/remote/sshd.ts
# unpacks it into a private cache with apt-get download. Install what is missing rather than
# skipping tests without it.
set -euo pipefail
need=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || need+=(prometheus)
command -v openssl >/dev/null || need+=(openssl)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v dash >/dev/null || need+=(dash)
[ -x /usr/bin/busybox ] || need+=(busybox-static)
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || need+=(openssh-client)
# sshd refuses to start without its privilege-separation user, which openssh-server's postinst would
# create. Create it the same way (a system account without a shell or home) when it is missing.
if ! getent passwd sshd >/dev/null && [ "$(id -u)" -eq 0 ]; then
  useradd --system --no-create-home --home-dir /run/sshd --shell /usr/sbin/nologin sshd
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-test-tools: missing ${need[*]}; install them (Debian: apt-get install ${need[*]}) and re-run" >&2
  exit 1
fi
echo "ensure-test-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
