import { nameHypervisor } from './hypervisor-names.js';

/**
 * Pure parsing of the dom0 kernel log in every shape it reaches us: `dmesg` (`[   8.213701] msg`,
 * optionally `<6>` first), journal short format (`Aug 21 22:28:19 host kernel: msg`), and
 * /dev/kmsg records (`6,339,5140900,-;msg`).
 */

/** What a kernel log line tells about power management, typed once here so diagnosis never reads text. */
export type KernelEvent =
  /** `Hypervisor detected: Xen HVM` (arch/x86/kernel/cpu/hypervisor.c). */
  | { kind: 'hypervisor-detected'; name: string; hypervisor: string | null }
  /** `ACPI in unprivileged domain disabled` (a Xen PV guest). */
  | { kind: 'acpi-unprivileged' }
  /** `xen_acpi_processor: Uploading Xen processor PM info` (info level: the upload ran). */
  | { kind: 'xen-acpi-uploading' }
  /** `xen_acpi_processor: (_PXX): Hypervisor error (-19) for ACPI CPU3` and the older drivers' upload failures. */
  | { kind: 'xen-acpi-upload-error'; acpiId: number | null; object: string | null; /** Positive: `Hypervisor error (-19)` is 19, ENODEV. */ errno: number | null }
  /** `Failed to insert module 'xen_acpi_processor': No such device` (systemd) / `could not insert '…'` (kmod). */
  | { kind: 'module-insert-failed'; module: string; noDevice: boolean }
  /** `xen_acpi_processor: Max ACPI ID: N` (debug level): the driver started, before any upload. */
  | { kind: 'xen-acpi-max-id'; maxAcpiId: number }
  /** `xen_acpi_processor: ACPI CPU3 - P-states uploaded.` (debug level): Xen took that CPU's data. */
  | { kind: 'xen-acpi-uploaded'; what: 'P-states' | 'C-states'; acpiId: number }
  /** `Linux version …` at 0.000000: the log starts at boot. */
  | { kind: 'boot-banner' }
  /** `DMI: <vendor> <product>, BIOS …`: the machine the kernel booted on. */
  | { kind: 'dmi'; text: string }
  /** `BIOS-provided physical RAM map:`: an x86 kernel's own early boot (only x86 prints it). */
  | { kind: 'x86-e820' };

export interface KernelLogLine {
  /** Seconds since boot when the line carries a dmesg timestamp. */
  uptimeSeconds: number | null;
  message: string;
  /** The line as it appeared, for evidence. */
  raw: string;
  event: KernelEvent | null;
  /** Mentions a Linux cpufreq driver (quoted when no driver is bound). */
  mentionsCpufreq: boolean;
  /** Mentions Xen (a kernel running on Xen says so early, in many words). */
  mentionsXen: boolean;
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
    'BIOS-provided physical RAM map',
  ].join('|'),
);

/** How a log line starts in every form we read: a dmesg timestamp, a journal date, or `host kernel:`. */
const LOG_START = /^\s*(?:<\d+>)?\[\s*\d+\.\d+\]|^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+)|^\S+ kernel: /;

/** A line that continues the one before it: a pasted log wrapped by a mail client (`… for ACPI` / `CPU1`). */
export function isContinuationLine(line: string): boolean {
  return line.trim() !== '' && !LOG_START.test(line);
}

/**
 * Which lines are kept while streaming. Short lines that do not start like a log line are kept too: they
 * only occur in wrapped pastes, where they finish the line before them (a real dmesg prefixes every line).
 */
export function isRelevantKernelLine(line: string): boolean {
  return RELEVANT.test(line) || (line.length <= 100 && isContinuationLine(line));
}

/** Whether a parsed line started with a log prefix (so a following continuation belongs to it). */
export function hasLogPrefix(raw: string): boolean {
  return LOG_START.test(raw);
}

export function parseKernelLogLine(rawLine: string): KernelLogLine | null {
  const raw = rawLine.replace(/\r$/, '');
  if (raw.trim() === '') return null;
  const line = (uptimeSeconds: number | null, message: string): KernelLogLine => ({
    uptimeSeconds, message, raw, event: kernelEvent(message), mentionsCpufreq: CPUFREQ_DRIVER.test(message), mentionsXen: /\bXen\b/.test(message),
  });
  let m = DMESG.exec(raw);
  if (m) return line(Number(`${m[1]}.${m[2]}`), m[3] ?? '');
  m = JOURNAL.exec(raw);
  if (m) return line(m[1] !== undefined ? Number(`${m[1]}.${m[2]}`) : null, m[3] ?? '');
  // A journal line with its date cut off by the person who pasted it: `dom0 kernel: message`.
  const undated = /^\S+ kernel: (.*)$/.exec(raw);
  if (undated) return line(null, undated[1]!);
  // Pasted logs without timestamps still count; journal lines of other programs do not.
  if (/^\S+ [ \d]\d \d\d:\d\d:\d\d \S+ [^:]+:/.test(raw) && !/ kernel: /.test(raw)) {
    // e.g. `systemd-modules-load[312]: Failed to insert module 'xen_acpi_processor': No such device`
    return line(null, raw.replace(/^\S+ [ \d]\d \d\d:\d\d:\d\d \S+ /, ''));
  }
  return line(null, raw.trim());
}

const CPUFREQ_DRIVER = /intel_pstate|amd[-_]pstate|acpi-cpufreq|cpufreq/i;
const UPLOAD_ERROR = /(?:xen[-_]acpi[-_]processor|cpufreq-xen|xen-processor-thru|processor-passthrough-xen).*(?:Hypervisor error|missing some P-state data|upload failed|Failed to (?:send|push))/i;
const INSERT_FAILED = /(?:Failed to insert module|could not insert) '([\w-]+)'(.*)$/;

/** Pure: the power-management meaning of one kernel log message, or null. */
function kernelEvent(message: string): KernelEvent | null {
  let m: RegExpExecArray | null;
  if ((m = /Hypervisor detected:\s*(.*)$/.exec(message))) return { kind: 'hypervisor-detected', name: m[1]!.trim(), hypervisor: nameHypervisor(m[1]!.trim()) };
  if (/ACPI in unprivileged domain disabled/.test(message)) return { kind: 'acpi-unprivileged' };
  if (/xen_acpi_processor: Uploading Xen processor PM info/.test(message)) return { kind: 'xen-acpi-uploading' };
  if (UPLOAD_ERROR.test(message)) {
    const id = /(?:ACPI CPU|ACPI ID:?)\s*(\d+)/.exec(message);
    const object = /\((_P[A-Z]{2}|_C[A-Z]{2}|CX|PX)\)/.exec(message);
    const errno = /Hypervisor error \(-?(\d+)\)/.exec(message);
    return { kind: 'xen-acpi-upload-error', acpiId: id ? Number(id[1]) : null, object: object ? object[1]! : null, errno: errno ? Number(errno[1]) : null };
  }
  if ((m = INSERT_FAILED.exec(message))) return { kind: 'module-insert-failed', module: m[1]!.replace(/-/g, '_'), noDevice: /No such device/.test(m[2]!) };
  if ((m = /xen[-_]acpi[-_]processor: Max ACPI ID: (\d+)/.exec(message))) return { kind: 'xen-acpi-max-id', maxAcpiId: Number(m[1]) };
  if ((m = /xen[-_]acpi[-_]processor: ACPI CPU(\d+) - ([PC])-states uploaded/.exec(message))) return { kind: 'xen-acpi-uploaded', what: m[2] === 'P' ? 'P-states' : 'C-states', acpiId: Number(m[1]) };
  if (/^Linux version \d/.test(message)) return { kind: 'boot-banner' };
  if ((m = /^DMI: (.+)$/.exec(message))) return { kind: 'dmi', text: m[1]!.trim() };
  if (/^BIOS-provided physical RAM map/.test(message)) return { kind: 'x86-e820' };
  return null;
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
