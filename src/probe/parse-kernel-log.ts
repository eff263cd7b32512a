/**
 * Pure parsing of the dom0 kernel log in every shape it reaches us: `dmesg` (`[   8.213701] msg`,
 * optionally `<6>` first), journal short format (`Aug 21 22:28:19 host kernel: msg`), and
 * /dev/kmsg records (`6,339,5140900,-;msg`).
 */

export interface KernelLogLine {
  /** Seconds since boot when the line carries a dmesg timestamp. */
  uptimeSeconds: number | null;
  message: string;
  /** The line as it appeared, for evidence. */
  raw: string;
}

const DMESG = /^(?:<\d+>)?\[\s*(\d+)\.(\d+)\]\s?(.*)$/;
const JOURNAL = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:?\d\d|Z)?) \S+ kernel: (?:\[\s*(\d+)\.(\d+)\]\s?)?(.*)$/;

/** Which lines matter to power management; everything else is dropped while streaming. */
const RELEVANT = new RegExp(
  [
    'xen[-_]acpi[-_]processor',
    'xen-processor-thru',
    'processor-passthrough-xen',
    'cpufreq-xen',
    'cpufreq',
    'intel_pstate',
    'amd[-_]pstate',
    'acpi-cpufreq',
    'pcc-cpufreq',
    'cppc',
    'ACPI: (?:\\\\_PR_|\\\\_SB_|SSDT|Processor|CPU)',
    'Hypervisor detected',
    'Xen version',
    'on Xen',
    'xen_cpu',
    'cpuidle',
    'intel_idle',
    'ACPI in unprivileged domain',
    'Failed to insert module',
    'could not insert',
    'Command line:',
    'Linux version',
    'DMI:',
  ].join('|'),
);

export function isRelevantKernelLine(line: string): boolean {
  return RELEVANT.test(line);
}

export function parseKernelLogLine(rawLine: string): KernelLogLine | null {
  const raw = rawLine.replace(/\r$/, '');
  if (raw.trim() === '') return null;
  let m = DMESG.exec(raw);
  if (m) return { uptimeSeconds: Number(`${m[1]}.${m[2]}`), message: m[3] ?? '', raw };
  m = JOURNAL.exec(raw);
  if (m) {
    const up = m[1] !== undefined ? Number(`${m[1]}.${m[2]}`) : null;
    return { uptimeSeconds: up, message: m[3] ?? '', raw };
  }
  // Pasted logs without timestamps still count; journal lines of other programs do not.
  if (/^\S+ [ \d]\d \d\d:\d\d:\d\d \S+ [^:]+:/.test(raw) && !/ kernel: /.test(raw)) {
    // e.g. `systemd-modules-load[312]: Failed to insert module 'xen_acpi_processor': No such device`
    const msg = raw.replace(/^\S+ [ \d]\d \d\d:\d\d:\d\d \S+ /, '');
    return { uptimeSeconds: null, message: msg, raw };
  }
  return { uptimeSeconds: null, message: raw.trim(), raw };
}

export function parseKernelLog(text: string): KernelLogLine[] {
  const out: KernelLogLine[] = [];
  for (const line of text.split('\n')) {
    const parsed = parseKernelLogLine(line);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** Turns one /dev/kmsg record into dmesg's text form so one parser serves both. */
export function kmsgRecordToDmesgLine(record: string): string | null {
  const semi = record.indexOf(';');
  if (semi < 0) return null;
  const fields = record.slice(0, semi).split(',');
  const usec = Number(fields[2]);
  if (!Number.isFinite(usec) || usec < 0) return null;
  // Continuation lines (" KEY=value") follow the message after a newline: drop them.
  const message = record.slice(semi + 1).split('\n')[0] ?? '';
  const secs = Math.floor(usec / 1e6);
  const frac = String(Math.floor(usec % 1e6)).padStart(6, '0');
  return `[${String(secs).padStart(5, ' ')}.${frac}] ${message}`;
}
