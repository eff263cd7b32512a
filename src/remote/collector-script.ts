import { createHash } from 'node:crypto';
import { COMMANDS, COMMAND_NAMES, type CommandName } from '../probe/commands.js';
import { JOURNAL_KERNEL_ARGS } from '../probe/command-settings.js';
import { READ_MANIFEST, REAL_DIRECTORIES_ONLY, type ManifestKind } from '../probe/read-manifest.js';
import { STREAM_LIMITS } from './stream-limits.js';

/**
 * Generates collector/xen-pm-collect, the one POSIX sh script a dom0 runs for the exporter, from the
 * command table (src/probe/commands.ts) and the read manifest (src/probe/read-manifest.ts). The same
 * text is sent on stdin in `--ssh.mode stdin`, so the checked-in file and what runs are one thing
 * (test/remote/collector-script.test.ts fails when the file is out of date: `npm run collector`).
 *
 * Shell rules kept here: POSIX sh only (dash, busybox ash, bash as sh; CentOS 7's bash 4.2 included),
 * no `local`, no arrays, no temp files, every external command with stdin from /dev/null (in stdin
 * mode stdin is the script itself), no environment read but PATH.
 */

interface Node {
  seg: string;
  kinds: Set<ManifestKind>;
  large: boolean;
  children: Map<string, Node>;
  realDirOnly: boolean;
}

function buildTree(): Node {
  const root: Node = { seg: '', kinds: new Set(['dir']), children: new Map(), realDirOnly: false, large: false };
  const add = (pattern: string, kind: ManifestKind | null, realDirOnly = false, large = false) => {
    const segs = pattern.split('/');
    let node = root;
    segs.forEach((seg, i) => {
      let child = node.children.get(seg);
      if (!child) {
        child = { seg, kinds: new Set(), children: new Map(), realDirOnly: false, large: false };
        node.children.set(seg, child);
      }
      if (i < segs.length - 1) child.kinds.add('dir');
      node = child;
    });
    if (kind) node.kinds.add(kind);
    if (realDirOnly) node.realDirOnly = true;
    if (large) node.large = true;
  };
  for (const e of READ_MANIFEST) add(e.pattern, e.kind, false, e.large ?? false);
  for (const p of REAL_DIRECTORIES_ONLY) add(p, 'dir', true);
  return root;
}

/** `cpu<n>` → { prefix: 'cpu', digits: '+' }; literal segments → null. */
function wildcard(seg: string): { prefix: string; optional: boolean } | null {
  const m = /^([A-Za-z_]*)<(n|n\?)>$/.exec(seg);
  return m ? { prefix: m[1]!, optional: m[2] === 'n?' } : null;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** The shell code that walks the manifest: nested tests and loops, one level per path segment. */
function walkCode(root: Node): string[] {
  const lines: string[] = [];
  let depth = 0;
  const emit = (indent: number, text: string) => lines.push('  '.repeat(indent) + text);
  const leaf = (node: Node, pathExpr: string, indent: number) =>
    emit(indent, node.kinds.has('binary') ? `xpm_binary "${pathExpr}"` : `xpm_text "${pathExpr}"${node.large ? ' large' : ''}`);
  const children = (node: Node, pathExpr: string, indent: number) => {
    for (const child of node.children.values()) {
      const w = wildcard(child.seg);
      const isDir = child.kinds.has('dir') || child.children.size > 0;
      const test = child.realDirOnly ? 'xpm_realdir' : 'xpm_dir';
      if (!w) {
        if (!SAFE_SEGMENT.test(child.seg)) throw new Error(`manifest segment ${child.seg} is not a plain name`);
        const p = pathExpr ? `${pathExpr}/${child.seg}` : child.seg;
        if (!isDir) {
          leaf(child, p, indent);
          continue;
        }
        emit(indent, `if ${test} "${p}"; then`);
        children(child, p, indent + 1);
        emit(indent, 'fi');
        continue;
      }
      const d = ++depth;
      const glob = `${w.prefix}${w.optional ? '' : '[0-9]'}*`;
      emit(indent, `for _a${d} in "$R/${pathExpr}/"${glob}; do`);
      emit(indent + 1, `_r${d}=${pathExpr}/\${_a${d}##*/}`);
      emit(indent + 1, `case \${_r${d}##*/${w.prefix}} in ${w.optional ? '' : "'' | "}*[!0-9]*) continue ;; esac`);
      if (isDir) {
        emit(indent + 1, `${test} "$_r${d}" || continue`);
        children(child, `$_r${d}`, indent + 1);
      } else {
        leaf(child, `$_r${d}`, indent + 1);
      }
      emit(indent, 'done');
    }
  };
  // One deadline checkpoint per top-level section (sys/…, proc/…): cheap, and a sysfs read does not hang.
  for (const top of root.children.values()) {
    emit(1, 'xpm_left 1 || return 0');
    emit(1, `if xpm_dir "${top.seg}"; then`);
    children(top, top.seg, 2);
    emit(1, 'fi');
  }
  return lines;
}

function commandCode(): string[] {
  const lines: string[] = [];
  for (const name of COMMAND_NAMES as CommandName[]) {
    const c = COMMANDS[name];
    if (!c.runsByDefault) continue;
    if (c.tool === 'kernel-log') {
      lines.push('  xpm_kernel_log');
      continue;
    }
    const timeout = c.timeout === 'log' ? '"$XPM_LOG_TIMEOUT"' : '"$XPM_TOOL_TIMEOUT"';
    lines.push(`  xpm_tool ${name} ${c.tool} ${timeout} ${c.args.join(' ')}`.trimEnd());
  }
  return lines;
}

/** What the collector reads and runs, as a short digest: the exporter can tell an out-of-date collector. */
export function collectorDigest(): string {
  const defaults = COMMAND_NAMES.filter((n) => COMMANDS[n].runsByDefault).map((n) => [n, COMMANDS[n].tool, COMMANDS[n].args]);
  return createHash('sha256').update(JSON.stringify([READ_MANIFEST, REAL_DIRECTORIES_ONLY, defaults, JOURNAL_KERNEL_ARGS, STREAM_LIMITS])).digest('hex').slice(0, 16);
}

/** The collector script, byte for byte what collector/xen-pm-collect holds. */
export function collectorScript(): string {
  const L = STREAM_LIMITS;
  const head = `#!/bin/sh
# xen-pm-collect — the read-only collector of xen-pm-exporter (capture stream format 1).
#
# GENERATED by scripts/generate-collector.mjs from src/probe/commands.ts and src/probe/read-manifest.ts.
# Do not edit: change those and run \`npm run collector\`.
#
# It prints one capture stream (docs/capture-stream.md) on stdout: the sysfs and procfs files
# xen-pm-exporter's probe reads, the ACPI tables, and the output of the fixed default commands
# (xenpm, xl, the kernel log). It writes nothing on the host, reads no input but its arguments and
# PATH, runs every command with a timeout and a size cap, stops at a deadline, and exits 0 with
# whatever it could read. POSIX sh: runs under dash, busybox ash and bash (as sh).
#
# Install on a dom0 as /usr/local/libexec/xen-pm-collect (root:root, 0755) and allow one key to run
# only it, in root's authorized_keys:
#   restrict,command="/usr/local/libexec/xen-pm-collect" ssh-ed25519 AAAA... xen-pm-exporter
#
# Usage: xen-pm-collect [--root DIR] [--deadline SECONDS] [--command-timeout SECONDS]
#   --root DIR                read DIR/sys and DIR/proc instead of /sys and /proc (tests)
#   --deadline SECONDS        the whole run (default ${L.deadlineSeconds})
#   --command-timeout SECONDS each xenpm/xl command (default ${L.toolTimeoutSeconds}; the kernel log gets twice that)

IFS=' 	
'
LC_ALL=C
export LC_ALL
umask 077

XPM_DIGEST=${collectorDigest()}
XPM_TEXT_MAX=${L.maxTextBytes}
XPM_BIN_MAX=${L.maxBinaryBytes}
XPM_OUT_MAX=${L.maxCommandBytes}
XPM_ERR_MAX=${L.maxStderrBytes}
XPM_TOOL_TIMEOUT=${L.toolTimeoutSeconds}
XPM_LOG_TIMEOUT=${L.logTimeoutSeconds}
XPM_DEADLINE=${L.deadlineSeconds}
XPM_N=0
XPM_LATE=
XPM_END=
R=
`;
  const body = String.raw`
xpm_usage() {
  printf 'usage: xen-pm-collect [--root DIR] [--deadline SECONDS] [--command-timeout SECONDS]\n' >&2
  exit 2
}

xpm_seconds() {
  case $1 in '' | *[!0-9]*) xpm_usage ;; esac
  [ "$1" -gt 0 ] || xpm_usage
}

# Every entry header goes through here, so END can say how many there were.
xpm_entry() {
  XPM_N=$((XPM_N + 1))
  printf '%s\n' "$1"
}

xpm_now() {
  _now=$(date +%s 2>/dev/null </dev/null)
  case $_now in '' | *[!0-9]*) _now= ;; esac
}

# $_t becomes the smaller of $1 and what is left of the run's deadline; false once the deadline passed.
xpm_left() {
  _t=$1
  [ -z "$XPM_LATE" ] || return 1
  [ -n "$XPM_END" ] || return 0
  xpm_now
  [ -n "$_now" ] || return 0
  _left=$((XPM_END - _now))
  if [ "$_left" -le 0 ]; then
    XPM_LATE=1
    return 1
  fi
  [ "$_left" -ge "$_t" ] || _t=$_left
  return 0
}

xpm_dir() {
  [ -z "$XPM_LATE" ] && [ -d "$R/$1" ] || return 1
  xpm_entry "D $1"
}

# Old kernels' per-CPU cpufreq directories; on newer ones cpuN/cpufreq links to a policy read already.
xpm_realdir() {
  [ ! -L "$R/$1" ] && xpm_dir "$1"
}

# E PATH KIND TEXT: the file exists but could not be read; KIND from the reader's own message.
xpm_err() {
  _m=$2
  case $_m in
    *'No such file'* | *'No such device'*) return 0 ;;
    *[Bb]usy* | *'temporarily unavailable'*) _k=busy ;;
    *ermission* | *'not permitted'*) _k=denied ;;
    *'s a directory'*) _k=not-a-file ;;
    *) _k=io-error ;;
  esac
  xpm_entry "E $1 $_k $(xpm_clean "$_m")"
}

# Printable ASCII on one line, at most 200 bytes.
xpm_clean() {
  printf '%s' "$1" | tr -c '\040-\176' ' ' | head -c 200
}

# xpm_text PATH [large]: the text of one file, by content (procfs reports size 0; never cp or cat a
# sysfs file), capped. Content lines are joined with newlines: a file that ends in a newline ends in an
# empty "|" line. The shell's read takes a byte per system call: fine for a sysfs value, slow for
# cpuinfo or a trans_table, whose rest head reads in blocks from the same descriptor.
xpm_text() {
  _f=$R/$1
  if [ ! -f "$_f" ]; then
    [ ! -e "$_f" ] || xpm_entry "E $1 not-a-file not a regular file"
    return 0
  fi
  _o=
  { _o=1; xpm_lines "$1" "$2"; } 2>/dev/null <"$_f"
  [ -n "$_o" ] || xpm_err "$1" "$(head -c 1 "$_f" 2>&1 >/dev/null </dev/null)"
}

xpm_lines() {
  _l=
  if IFS= read -r _l; then
    xpm_entry "F $1"
    printf '|%s\n' "$_l"
    if [ -n "$2" ]; then
      { head -c "$XPM_TEXT_MAX"; echo; } | sed 's/^/|/'
      return 0
    fi
    _n=$((@{#_l} + 1))
    while [ "$_n" -le "$XPM_TEXT_MAX" ] && IFS= read -r _l; do
      printf '|%s\n' "$_l"
      _n=$((_n + @{#_l} + 1))
    done
    [ "$_n" -le "$XPM_TEXT_MAX" ] || _l=
    printf '|%s\n' "$_l"
  elif [ -n "$_l" ]; then
    xpm_entry "F $1"
    printf '|%s\n' "$_l"
  else
    # Nothing read: an empty file, or a read error (EBUSY of an inactive cpufreq policy) that read hides.
    _why=$(head -c 1 "$R/$1" 2>&1 >/dev/null </dev/null)
    if [ -n "$_why" ]; then
      xpm_err "$1" "$_why"
    else
      xpm_entry "F $1"
      printf '|\n'
    fi
  fi
}

# A binary file (an ACPI table): base64, or od hex where there is no base64, one "=" line at a time.
xpm_binary() {
  _f=$R/$1
  if [ ! -f "$_f" ]; then
    [ ! -e "$_f" ] || xpm_entry "E $1 not-a-file not a regular file"
    return 0
  fi
  _why=$(head -c 1 "$_f" 2>&1 >/dev/null </dev/null)
  if [ -n "$_why" ]; then
    xpm_err "$1" "$_why"
    return 0
  fi
  if [ -n "$XPM_B64" ]; then
    xpm_entry "B $1 base64"
    head -c "$((XPM_BIN_MAX + 1))" "$_f" </dev/null | "$XPM_B64" | sed 's/^/=/'
  else
    xpm_entry "B $1 hex"
    head -c "$((XPM_BIN_MAX + 1))" "$_f" </dev/null | od -An -v -tx1 | sed 's/^/=/'
  fi
}

# $_which: the first executable $1 on PATH or in the places Xen's tools live.
xpm_which() {
  _which=
  _saved=$IFS
  IFS=:
  set -f
  for _d in $PATH; do
    if [ -n "$_d" ] && [ -f "$_d/$1" ] && [ -x "$_d/$1" ]; then
      _which=$_d/$1
      break
    fi
  done
  set +f
  IFS=$_saved
  [ -z "$_which" ] || return 0
  for _d in /usr/sbin /usr/bin /sbin /bin /usr/lib64/xen/bin /usr/lib/xen-*/bin; do
    if [ -f "$_d/$1" ] && [ -x "$_d/$1" ]; then
      _which=$_d/$1
      return 0
    fi
  done
  return 1
}

# Kills pid $2 after $1 seconds unless TERMinated first; holds none of the stream's descriptors. A TERM
# that comes before its sleep has started is remembered, so no sleep outlives it; the sleep is killed
# with KILL because a TERM can reach it between fork and exec, while it still runs this trap.
xpm_watchdog() {
  exec </dev/null >/dev/null 2>&1 3>&- 5>&-
  _z=
  _stop=
  trap '_stop=1; [ -z "$_z" ] || kill -9 "$_z" 2>/dev/null' TERM
  sleep "$1" &
  _z=$!
  if [ -n "$_stop" ]; then
    kill -9 "$_z" 2>/dev/null
    exit 0
  fi
  wait "$_z"
  [ -z "$_stop" ] || exit 0
  kill -9 "$2" 2>/dev/null
}

# Runs argv with a deadline; says "x STATUS", or "t" when the watchdog killed it, on fd 5.
xpm_limited() {
  _s=$1
  shift
  "$@" </dev/null 3>&- 5>&- &
  _p=$!
  xpm_watchdog "$_s" "$_p" &
  _w=$!
  wait "$_p"
  _x=$?
  if kill "$_w" 2>/dev/null; then
    printf 'x %s\n' "$_x" >&5
  else
    printf 't\n' >&5
  fi
}

# xpm_run NAME VIA TIMEOUT ARGV…: C NAME VIA, then the command's stdout ("o " lines, streamed, capped), its stderr ("e " lines, capped,
# held in memory until stdout is done so lines never interleave) and its status. $_st keeps the status.
xpm_run() {
  _name=$1
  _via=$2
  # The stream names what ran in one printable word: a path with anything else by its file name, else by the command.
  case $_via in *[!A-Za-z0-9_./+:@,=-]*) _via=@{_via##*/} ;; esac
  case $_via in '' | *[!A-Za-z0-9_./+:@,=-]*) _via=$_name ;; esac
  xpm_entry "C $_name $_via"
  shift 2
  if ! xpm_left "$1"; then
    _st=t
    printf 't\n'
    return 0
  fi
  shift
  _st=$(
    exec 5>&1
    _e=$( { { xpm_limited "$_t" "$@" 2>&6 6>&- | { head -c "$((XPM_OUT_MAX + 1))"; echo; } | sed 's/^/o /' >&3; } 6>&1 | head -c "$((XPM_ERR_MAX + 1))"; printf '.'; } )
    _e=@{_e%.}
    [ -z "$_e" ] || printf '%s\n' "$_e" | sed 's/^/e /' >&3
  )
  [ -n "$_st" ] || _st=t
  printf '%s\n' "$_st"
}

# xpm_tool NAME TOOL TIMEOUT ARGS…: one Xen tool command, or "n" when the tool is not installed.
xpm_tool() {
  _name=$1
  if ! xpm_which "$2"; then
    xpm_entry "C $_name $2"
    printf 'n\n'
    return 0
  fi
  _tt=$3
  shift 3
  xpm_run "$_name" "$_which" "$_tt" "$_which" "$@"
}

# dmesg; then the journal when dmesg is missing or failed, or its ring has wrapped past boot (first
# timestamp later than 1 s), as the live reader does. The exporter picks between the two blocks.
xpm_kernel_log() {
  _need=
  if xpm_which dmesg; then
    _dm=$_which
    _first=
    if xpm_left "$XPM_LOG_TIMEOUT"; then
      _first=$( { xpm_limited "$_t" "$_dm" 5>/dev/null 2>/dev/null; } | head -n 1)
    fi
    _first=@{_first#<*>}
    case $_first in
      '['*']'*)
        _ts=@{_first#?}
        _ts=@{_ts%%]*}
        _ts=@{_ts%%.*}
        _ts=@{_ts##* }
        case $_ts in '' | *[!0-9]*) ;; *) [ "$_ts" -le 1 ] || _need=1 ;; esac
        ;;
    esac
    xpm_run dmesg "$_dm" "$XPM_LOG_TIMEOUT" "$_dm"
    [ "$_st" = 'x 0' ] || _need=1
  else
    xpm_entry 'C dmesg dmesg'
    printf 'n\n'
    _need=1
  fi
  if [ -n "$_need" ] && xpm_which journalctl; then
    xpm_run dmesg "$_which" "$XPM_LOG_TIMEOUT" "$_which" __JOURNAL__
  fi
}

# The last resort: a read stuck in the kernel. Without END the exporter refuses the stream.
xpm_reaper() {
  exec 3>&-
  xpm_watchdog "$1" "$2"
}

xpm_files() {
__WALK__
}

xpm_main() {
  while [ $# -gt 0 ]; do
    case $1 in
      --root)
        if [ $# -lt 2 ] || [ -z "$2" ]; then xpm_usage; fi
        R=@{2%/}
        shift 2
        ;;
      --deadline)
        [ $# -ge 2 ] || xpm_usage
        xpm_seconds "$2"
        XPM_DEADLINE=$2
        shift 2
        ;;
      --command-timeout)
        [ $# -ge 2 ] || xpm_usage
        xpm_seconds "$2"
        XPM_TOOL_TIMEOUT=$2
        XPM_LOG_TIMEOUT=$(($2 * 2))
        shift 2
        ;;
      *) xpm_usage ;;
    esac
  done
  exec 3>&1
  xpm_reaper "$((XPM_DEADLINE + 5))" "$$" &
  _reaper=$!
  xpm_now
  [ -z "$_now" ] || XPM_END=$((_now + XPM_DEADLINE))
  XPM_B64=
  if xpm_which base64; then XPM_B64=$_which; fi
  printf 'XPM-CAPTURE 1\n'
  xpm_entry "M collector xen-pm-collect $XPM_DIGEST"
  # Values are printable ASCII on one line, whatever the host says.
  xpm_entry "M started $(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)"
  xpm_entry "M hostname $(xpm_clean "$(uname -n 2>/dev/null)")"
  xpm_entry "M uname $(xpm_clean "$(uname -srm 2>/dev/null)")"
  xpm_entry "M deadline $XPM_DEADLINE"
  [ -z "$R" ] || xpm_entry "M root $(xpm_clean "$R")"
  xpm_files
__COMMANDS__
  [ -z "$XPM_LATE" ] || xpm_entry 'M incomplete the deadline passed before everything was read'
  kill "$_reaper" 2>/dev/null
  printf 'END %s\n' "$XPM_N"
  exit 0
}

xpm_main "$@" </dev/null
`;
  // The body is a raw template: shell's ${…} is written @{…} there and restored here.
  return head + body.replaceAll('@{', '${')
    .replace('__JOURNAL__', JOURNAL_KERNEL_ARGS.join(' '))
    .replace('__WALK__', walkCode(buildTree()).join('\n'))
    .replace('__COMMANDS__', commandCode().join('\n'));
}
