import { toLines } from './normalize-text.js';

/**
 * Every message xenpm (and the libraries and wrappers in front of it) prints instead of data,
 * from Xen 3.4 to 4.22. Under Xen most of them arrive on stderr with exit status 0, so the
 * diagnosis is built on these, never on the exit code alone.
 */
export type XenpmMessage =
  | { kind: 'cpu-failed'; cpu: number; what: string; about: 'cpufreq-parameter' | 'other'; line: string }
  | { kind: 'cpufreq-not-enabled'; line: string }
  | { kind: 'cpufreq-disabled-or-unregistered'; line: string }
  | { kind: 'cpuidle-disabled-or-unregistered'; line: string }
  | { kind: 'pstate-info-unsupported'; line: string }
  | { kind: 'both-disabled'; line: string }
  | { kind: 'no-privcmd'; cause: 'missing' | 'denied' | 'other'; line: string }
  | { kind: 'no-handler'; line: string }
  | { kind: 'physinfo-failed'; errno: number | null; cause: 'not-dom0' | 'version-mismatch' | 'other'; line: string }
  | { kind: 'no-hypervisor-sysfs'; line: string }
  | { kind: 'topology-failed'; line: string }
  | { kind: 'usage-error'; line: string }
  | { kind: 'exec-denied'; line: string }
  | { kind: 'unrecognized'; line: string };

const RULES: Array<[RegExp, (m: RegExpExecArray, line: string) => XenpmMessage]> = [
  [/^\[CPU\s*(\d+)\]\s*(?:failed to get |failed to malloc for )?(.*?)\s*$/i, (m, line) => ({
    kind: 'cpu-failed', cpu: Number(m[1]), what: m[2]!.replace(/^failed to (get|malloc for) /i, ''), about: /cpufreq parameter/i.test(m[2]!) ? 'cpufreq-parameter' : 'other', line,
  })],
  [/Xen cpufreq is not enabled/i, (_m, line) => ({ kind: 'cpufreq-not-enabled', line })],
  [/Either Xen cpufreq is disabled or no valid information is registered/i, (_m, line) => ({ kind: 'cpufreq-disabled-or-unregistered', line })],
  [/Either xen cpuidle is disabled or no valid information is registered/i, (_m, line) => ({ kind: 'cpuidle-disabled-or-unregistered', line })],
  [/P-State information not supported/i, (_m, line) => ({ kind: 'pstate-info-unsupported', line })],
  [/Xen cpu idle and frequency is disabled/i, (_m, line) => ({ kind: 'both-disabled', line })],
  [/Could not obtain handle on privileged command interface|Error on trying to open hypercall buffer device/i, (_m, line) => ({
    kind: 'no-privcmd',
    cause: /No such file|= No such|\(2 =/i.test(line) ? 'missing' : /Permission denied|Operation not permitted|\(13 =|\(1 =/i.test(line) ? 'denied' : 'other',
    line,
  })],
  [/failed to get the handler/i, (_m, line) => ({ kind: 'no-handler', line })],
  [/failed to get processor information(?:\s*\((\d+)\s*-\s*([^)]*)\))?/i, (m, line) => {
    const errno = m[1] === undefined ? null : Number(m[1]);
    return { kind: 'physinfo-failed', errno, cause: errno === 1 ? 'not-dom0' : errno === 13 ? 'version-mismatch' : 'other', line };
  }],
  [/Can't find hypervisor information in sysfs/i, (_m, line) => ({ kind: 'no-hypervisor-sysfs', line })],
  [/Can ?not get Xen CPU topology|failed to discover number of CPUs|failed to allocate hypercall buffers/i, (_m, line) => ({ kind: 'topology-failed', line })],
  [/^(?:Ambig(?:u|i)ous options|Invalid CPU identifier|Missing|Usage:|xenpm: unrecognized|Invalid argument)/i, (_m, line) => ({ kind: 'usage-error', line })],
  [/Permission denied|Operation not permitted|cannot execute/i, (_m, line) => ({ kind: 'exec-denied', line })],
];

function classifyLine(line: string): XenpmMessage | null {
  const t = line.trim();
  if (!t) return null;
  for (const [re, make] of RULES) {
    const m = re.exec(t);
    if (m) return make(m, t);
  }
  return null;
}

/** A line that is not data: what it says, or kept as `unrecognized` (quoted as evidence of garbage). */
export function classifyOrKeep(line: string): XenpmMessage {
  return classifyLine(line) ?? { kind: 'unrecognized', line: line.trim().slice(0, 300) };
}

/** Classify every line of a stream; lines no rule knows are kept as `unrecognized`. */
export function classifyStream(text: string): XenpmMessage[] {
  const out: XenpmMessage[] = [];
  for (const line of toLines(text)) {
    if (line.trim()) out.push(classifyOrKeep(line));
  }
  return out;
}

/** One command's messages: those found on stdout, then every known message on stderr, bounded. */
export function withStderr(messages: XenpmMessage[], stderr: string): XenpmMessage[] {
  for (const line of toLines(stderr)) {
    const msg = classifyLine(line);
    if (msg) messages.push(msg);
  }
  return boundMessages(messages);
}

/** Unrecognised lines kept per command: enough to quote, bounded against megabytes of garbage. */
const MAX_UNRECOGNIZED = 20;

/** Keeps every known message and the first unrecognised lines, then one line counting the rest. */
function boundMessages(messages: XenpmMessage[]): XenpmMessage[] {
  let unknown = 0;
  const out: XenpmMessage[] = [];
  for (const m of messages) {
    if (m.kind === 'unrecognized' && ++unknown > MAX_UNRECOGNIZED) continue;
    out.push(m);
  }
  if (unknown > MAX_UNRECOGNIZED) out.push({ kind: 'unrecognized', line: `… ${unknown - MAX_UNRECOGNIZED} more unrecognised line(s)` });
  return out;
}
