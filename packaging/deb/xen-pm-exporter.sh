#!/bin/sh
# /usr/bin/xen-pm-exporter as packaged: the single-file build (all dependencies inside) run by the
# system's Node.js (package nodejs >= 20).
exec /usr/bin/node /usr/lib/xen-pm-exporter/xen-pm-exporter.mjs "$@"
