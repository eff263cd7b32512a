#!/usr/bin/env bash
# Renders the mixin into the files the packages ship: prometheus/xen-pm.rules.yml and
# grafana/xen-pm-dashboard.json (or into OUT_DIR/prometheus, OUT_DIR/grafana). Uses Debian's jsonnet,
# unpacked privately by scripts/ensure-test-tools.sh when none is on PATH.
#   bash mixin/render.sh [OUT_DIR] [SELECTOR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/..}"
tla=()
[ -n "${2:-}" ] && tla=(--tla-str "selector=$2")
jsonnet_bin="$(command -v jsonnet || true)"
[ -n "$jsonnet_bin" ] || jsonnet_bin="$(bash "$here/../scripts/ensure-test-tools.sh")/jsonnet"
mkdir -p "$out/prometheus" "$out/grafana"
"$jsonnet_bin" -J "$here" "${tla[@]}" "$here/rules.jsonnet" |
  node "$here/to-yaml.mjs" "Generated from mixin/ by mixin/render.sh (selector: ${2:-job=\"xen-pm\"}). Do not edit: change the mixin and run \`npm run mixin\`." \
    >"$out/prometheus/xen-pm.rules.yml.tmp"
"$jsonnet_bin" -J "$here" "${tla[@]}" "$here/dashboard.jsonnet" >"$out/grafana/xen-pm-dashboard.json.tmp"
mv "$out/prometheus/xen-pm.rules.yml.tmp" "$out/prometheus/xen-pm.rules.yml"
mv "$out/grafana/xen-pm-dashboard.json.tmp" "$out/grafana/xen-pm-dashboard.json"
