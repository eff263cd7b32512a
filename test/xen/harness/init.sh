#!/bin/busybox sh
# /init of the test dom0: set up Xen's plumbing like xencommons does, run the scenario, run the real
# daemon against the real /sys, kernel log and xenpm, and pass what it says out on the console.
# A scenario is a list of steps (xpm.steps=a+b+c: QEMU's -initrd would split at commas); each step changes something, then the running
# daemon's /health and /metrics, an in-dom0 `check --format json` and a capture are emitted as
# console blocks named after the step. One daemon watches the whole boot.
/bin/busybox --install -s /bin
XENBIN=$(ls -d /usr/lib/xen-*/bin | head -n1)
export PATH=$XENBIN:/sbin:/bin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /run /var/run /var/lib/xenstored /var/log/xen /var/lib/xen
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/run
ip link set lo up
dmesg -n 1                       # keep kernel messages off the console from here on
# Seconds since dom0 boot, to see where a slow boot spends its time.
t() { cut -d' ' -f1 /proc/uptime; }
arg() { sed -n "s/.*xpm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SCENARIO=$(arg scenario)
INTERVAL=$(arg interval); INTERVAL=${INTERVAL:-2s}
WINDOW=$(arg window); WINDOW=${WINDOW:-20s}
LOAD=$(arg load); LOAD=${LOAD:-0}
PIN=$(arg pin)
SPEED=$(arg speed)
MODULE=$(arg module); MODULE=${MODULE:-boot}
STEPS=$(arg steps); STEPS=${STEPS:-main}
CHECK=$(arg check)               # 1: also run `check` inside dom0 at each step (a node start and a probe: slow under TCG)
echo "XPM scenario=$SCENARIO xen-tools=$XENBIN kernel=$(uname -r) init at $(t)s"
M=/sbin/modprobe
$M xenfs && mount -t xenfs xenfs /proc/xen
$M xen-privcmd; $M xen-evtchn; $M xen-gntdev
# systemd-modules-load applies the command-line blacklist (modprobe -b); a plain modprobe would not.
[ "$MODULE" = boot ] && $M -b xen-acpi-processor 2>&1 | sed 's/^/XPM modprobe: /'
xenstored --pid-file /var/run/xenstored.pid
xen-init-dom0 >/dev/null 2>&1
XPM="node /xpm/xen-pm-exporter.mjs"
# The 5 s (10 s for the kernel log) default deadlines are for real hardware: emulated `xl info` took longer on a busy host
# (PROBE_FAILED in one view only). 60 s still bounds a hung command.
TOOLS="--xenpm.path $XENBIN/xenpm --xl.path $XENBIN/xl --xenpm.timeout 60s --kernel-log.timeout 60s"
$XPM serve --web.listen-address 127.0.0.1:9863 --probe.interval "$INTERVAL" --probe.stuck-window "$WINDOW" $TOOLS > /tmp/daemon.log 2>&1 &
DAEMON=$!
# HTTP by busybox nc (a node per request would cost seconds of emulated CPU): the status code on the
# first line, then the body.
get() {
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" | nc -w 30 127.0.0.1 9863 > /tmp/http.raw 2>/dev/null || { echo 000; return 1; }
  awk 'NR==1 { print $2; next } body { print; next } /^\r?$/ { body=1 }' /tmp/http.raw
  head -n1 /tmp/http.raw | grep -q ' 200 \| 503 '
}
i=0
until get /healthz > /dev/null 2>&1; do i=$((i+1)); [ $i -gt 120 ] && break; sleep 1; done
echo "XPM daemon-up after ${i}s, at $(t)s"
# Both dom0 vCPUs CPU-bound for LOAD seconds while the daemon keeps probing.
load() {
  (while :; do :; done) & L1=$!
  (while :; do :; done) & L2=$!
  echo "XPM load for ${LOAD}s from $(t)s"
  sleep "$LOAD"
  kill $L1 $L2
}
block() { echo "XPM-BEGIN $1"; cat "$2"; echo; echo "XPM-END $1"; }
# After a change, wait until the daemon has STARTED and finished a probe: two more than now (one
# may have been under way when the change happened). Probes take seconds under TCG.
probes() { get /healthz | sed -n 's/.*"probesTotal":\([0-9]*\).*/\1/p'; }
settle() {
  p0=$(probes); n=0
  until [ "$(probes)" -ge $((${p0:-0} + 2)) ] 2>/dev/null; do n=$((n+1)); [ $n -gt 180 ] && break; sleep 1; done
  echo "XPM settled after ${n}s (probes $p0 -> $(probes))"
}
for step in $(echo "$STEPS" | tr + ' '); do
  case "$step" in
    module-off) $M xen-acpi-processor off=1 2>&1 | sed 's/^/XPM modprobe: /'; settle ;;
    # After module-off the module is loaded (uploading nothing): unload it first, as an operator would.
    late-module-load) { [ ! -d /sys/module/xen_acpi_processor ] || $M -r xen-acpi-processor; $M xen-acpi-processor; } 2>&1 | sed 's/^/XPM modprobe: /'; settle ;;
    governor-powersave) xenpm set-scaling-governor powersave 2>&1 | sed 's/^/XPM governor: /'; settle ;;
    governor-userspace-lowest) xenpm set-scaling-governor userspace 2>&1 | sed 's/^/XPM governor: /'
      xenpm set-scaling-speed "$SPEED" 2>&1 | sed 's/^/XPM speed: /'; settle ;;
    free-under-load) load ;;
    pinned-under-load) xenpm set-scaling-maxfreq "$PIN" 2>&1 | sed 's/^/XPM pin: /'; load ;;
    # A situation set at boot: wait for the daemon's first finished probe (listening is not probing:
    # on a busy host the first probe under TCG took 33 s, and /health said "no probe has completed yet").
    *) n=0; until [ "$(probes)" -ge 1 ] 2>/dev/null; do n=$((n+1)); [ $n -gt 300 ] && break; sleep 1; done
       echo "XPM first probe after ${n}s" ;;
  esac
  echo "XPM step $step at $(t)s"
  get /metrics > /tmp/metrics.out; block "metrics@$step" /tmp/metrics.out
  get /health > /tmp/health.out; block "health@$step" /tmp/health.out
  # The daemon has been read: hold it (SIGSTOP) while check and capture run. Under TCG its probes (each
  # forks the node process seven times: page-table work Xen does for a PV dom0) slowed everything else
  # in dom0 several-fold — the collector took 32 s beside it and 4 s alone. A hold is far shorter than
  # its 60 s command deadline, so a command it was waiting on is not timed out by the pause.
  kill -STOP "$DAEMON"
  if [ "$CHECK" = 1 ]; then
    echo "XPM check at $(t)s"
    $XPM check --format json $TOOLS > /tmp/check.out 2> /tmp/check.err; echo "$?" > /tmp/check.rc
    block "check-exit@$step" /tmp/check.rc; block "check@$step" /tmp/check.out; block "check-stderr@$step" /tmp/check.err
  fi
  echo "XPM capture at $(t)s"
  rm -rf /tmp/cap
  $XPM capture --out /tmp/cap $TOOLS > /tmp/capture.log 2>&1; block "capture-log@$step" /tmp/capture.log
  echo "XPM-BEGIN capture-tgz@$step"; tar czf - -C /tmp cap | base64; echo "XPM-END capture-tgz@$step"
  kill -CONT "$DAEMON"
done
echo "XPM steps done at $(t)s"
# The daemon is done: SIGTERM it as systemd would (and so it stops probing while the collector runs);
# its exit status and the seconds it took are a block of their own.
kill -TERM "$DAEMON"
n=0; while kill -0 "$DAEMON" 2>/dev/null && [ $n -lt 30 ]; do n=$((n+1)); sleep 1; done
if kill -0 "$DAEMON" 2>/dev/null; then echo "still running after ${n}s" > /tmp/daemon.exit; kill -KILL "$DAEMON"
else wait "$DAEMON"; echo "exit $? after ${n}s" > /tmp/daemon.exit; fi
echo "XPM daemon stopped at $(t)s"
block daemon-exit /tmp/daemon.exit
block daemon-log /tmp/daemon.log
# The fleet collector (collector/xen-pm-collect in the repository), when the image has it.
if [ -f /xpm/xen-pm-collect ]; then
  echo "XPM collector at $(t)s"
  # Its default 25 s deadline is for real hardware: under TCG each xenpm call takes seconds, and a
  # stream cut at the deadline ("M incomplete") could not be compared with the daemon.
  sh /xpm/xen-pm-collect --deadline 300 --command-timeout 60 > /tmp/stream 2> /tmp/stream.err; echo "$?" > /tmp/stream.rc
  block collector-exit /tmp/stream.rc; block collector-stderr /tmp/stream.err
  echo "XPM-BEGIN collector-stream"; base64 /tmp/stream; echo "XPM-END collector-stream"
fi
echo "XPM done at $(t)s"
sync
reboot -f
