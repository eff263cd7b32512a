#!/bin/busybox sh
# /init of the test dom0: set up Xen's plumbing like xencommons does, run the scenario, run the real
# daemon against the real /sys, kernel log and xenpm, and pass what it says out on the console.
/bin/busybox --install -s /bin
export PATH=/usr/lib/xen-4.17/bin:/sbin:/bin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /run /var/run /var/lib/xenstored /var/log/xen /var/lib/xen
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/run
ip link set lo up
dmesg -n 1                       # keep kernel messages off the console from here on
arg() { sed -n "s/.*xpm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SCENARIO=$(arg scenario)
INTERVAL=$(arg interval); INTERVAL=${INTERVAL:-2s}
WINDOW=$(arg window); WINDOW=${WINDOW:-20s}
LOAD=$(arg load); LOAD=${LOAD:-0}
PIN=$(arg pin)
echo "XPM scenario=$SCENARIO"
M=/sbin/modprobe
$M xenfs && mount -t xenfs xenfs /proc/xen
$M xen-privcmd; $M xen-evtchn; $M xen-gntdev
# systemd-modules-load applies the command-line blacklist (modprobe -b); a plain modprobe would not.
$M -b xen-acpi-processor 2>&1 | sed 's/^/XPM modprobe: /'
xenstored --pid-file /var/run/xenstored.pid
xen-init-dom0 >/dev/null 2>&1
[ -n "$PIN" ] && xenpm set-scaling-maxfreq "$PIN" 2>&1 | sed 's/^/XPM pin: /'
XPM="node /xpm/xen-pm-exporter.mjs"
TOOLS="--xenpm.path /usr/lib/xen-4.17/bin/xenpm --xl.path /usr/lib/xen-4.17/bin/xl"
$XPM serve --web.listen-address 127.0.0.1:9863 --probe.interval "$INTERVAL" --probe.stuck-window "$WINDOW" $TOOLS > /tmp/daemon.log 2>&1 &
get() { node -e "fetch('http://127.0.0.1:9863$1').then(async r => { process.stdout.write(r.status + '\n' + await r.text()) }, e => { console.log('000'); process.exit(1) })"; }
i=0
until get /healthz > /dev/null 2>&1; do i=$((i+1)); [ $i -gt 120 ] && break; sleep 1; done
echo "XPM daemon-up after ${i}s"
if [ "$LOAD" -gt 0 ]; then
  (while :; do :; done) & L1=$!
  (while :; do :; done) & L2=$!
  echo "XPM load for ${LOAD}s"
  sleep "$LOAD"
  kill $L1 $L2
fi
sleep 1
block() { echo "XPM-BEGIN $1"; cat "$2"; echo; echo "XPM-END $1"; }
get /metrics > /tmp/metrics.out; block metrics /tmp/metrics.out
get /health > /tmp/health.out; block health /tmp/health.out
block daemon-log /tmp/daemon.log
$XPM capture --out /tmp/cap $TOOLS > /tmp/capture.log 2>&1; block capture-log /tmp/capture.log
echo "XPM-BEGIN capture-tgz"; tar czf - -C /tmp cap | base64; echo "XPM-END capture-tgz"
echo "XPM done"
sync
reboot -f
