#!/usr/bin/env bash
# Builds the Debian package with dpkg-deb alone (no debhelper, no source package):
#   bash packaging/deb/build.sh [OUT_DIR]     (npm run deb)  → OUT_DIR/xen-pm-exporter_VERSION_all.deb
# Prints the path of the .deb on stdout.
#
#   /usr/bin/xen-pm-exporter                         wrapper: /usr/bin/node + the single-file build
#   /usr/lib/xen-pm-exporter/xen-pm-exporter.mjs     scripts/bundle.mjs output (dependencies inside)
#   /usr/lib/systemd/system/xen-pm-exporter.service  the hardened unit (systemd/)
#   /etc/default/xen-pm-exporter                     flags (conffile)
#   /usr/share/xen-pm-exporter/{prometheus,grafana,mixin}   rules, dashboard, mixin
#   /usr/share/doc/xen-pm-exporter/                  copyright, third-party licences, changelog, README
# Reproducible: every timestamp is the last commit's (SOURCE_DATE_EPOCH), owners are root.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/packaging/deb"
out="$(mkdir -p "${1:-$repo/dist}" && cd "${1:-$repo/dist}" && pwd)"
cd "$repo"

npm_version="$(node -p "require('./package.json').version")"
# npm's 1.2.0-rc.1 sorts before 1.2.0; Debian needs ~ for that.
version="${npm_version//-/\~}"
maintainer="${DEB_MAINTAINER:-xen-pm-exporter maintainers <maintainers@xen-pm-exporter.invalid>}"
# Outside a git checkout (a source tarball, a copied tree): package.json's mtime, still the same for the same tree.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || stat -c %Y package.json)}"

node scripts/bundle.mjs >&2

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
doc="$root/usr/share/doc/xen-pm-exporter"
share="$root/usr/share/xen-pm-exporter"

install -D -m 0755 "$here/xen-pm-exporter.sh" "$root/usr/bin/xen-pm-exporter"
install -D -m 0644 dist/xen-pm-exporter.mjs "$root/usr/lib/xen-pm-exporter/xen-pm-exporter.mjs"
install -D -m 0644 systemd/xen-pm-exporter.service "$root/usr/lib/systemd/system/xen-pm-exporter.service"
install -D -m 0644 systemd/xen-pm-exporter.default "$root/etc/default/xen-pm-exporter"
install -D -m 0644 prometheus/xen-pm.rules.yml "$share/prometheus/xen-pm.rules.yml"
install -D -m 0644 grafana/xen-pm-dashboard.json "$share/grafana/xen-pm-dashboard.json"
mkdir -p "$share/mixin"
(cd mixin && find . -type f \( -name '*.libsonnet' -o -name '*.jsonnet' \) -exec install -D -m 0644 {} "$share/mixin/{}" \;)
install -D -m 0644 dist/THIRD-PARTY-LICENSES.txt "$doc/THIRD-PARTY-LICENSES"
count="$(sed -n 's/^\([0-9]*\) packages:$/\1/p' dist/THIRD-PARTY-LICENSES.txt)"
sed "s/@COUNT@/$count/" "$here/copyright.in" >"$doc/copyright"
chmod 0644 "$doc/copyright"
gzip -9n <README.md >"$doc/README.md.gz"
{
  echo "xen-pm-exporter ($version) unstable; urgency=medium"
  echo
  echo "  * Release $npm_version, built from $(git rev-parse --short HEAD 2>/dev/null || echo 'a source tree')."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/README.md.gz" "$doc/changelog.Debian.gz"

mkdir -p "$root/DEBIAN"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@MAINTAINER@/$maintainer/" -e "s/@SIZE@/$size/" "$here/control.in" >"$root/DEBIAN/control"
echo /etc/default/xen-pm-exporter >"$root/DEBIAN/conffiles"
for s in postinst prerm postrm; do install -m 0755 "$here/$s" "$root/DEBIAN/$s"; done
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
deb="$out/xen-pm-exporter_${version}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
