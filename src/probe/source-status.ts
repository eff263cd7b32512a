import type { CommandSummary, Snapshot } from './snapshot.js';

/**
 * Whether each source of one probe answered usably: the one rule behind the report's `sources`, the
 * `xen_pm_probe_success` metric and the logs. A source that failed in any way is never OK.
 */
export interface SourceStatus {
  source: string;
  ok: boolean;
  /** What it said, or why it failed, in words. */
  detail: string;
  durationSeconds: number;
}

/** A command answered usably: it produced output, exited 0, and nothing went wrong (timeout, signal, cap, garbage). */
export function commandOk(c: CommandSummary): boolean {
  return c.available && c.failure === null && (c.exitCode ?? 0) === 0;
}

/** Sources whose read failures are sysfs failures. */
const SYSFS_SOURCES = ['cpus', 'cpufreq', 'cpuidle'];

export function sysfsStatus(s: Snapshot): SourceStatus {
  const d = (k: string) => (s.durationsMs[k] ?? 0) / 1000;
  return {
    source: 'sysfs',
    ok: s.cpus.cpus.length > 0 && !s.problems.some((p) => SYSFS_SOURCES.includes(p.source)),
    detail: `${s.cpus.cpus.length} CPU(s), ${s.cpufreq.policies.length} cpufreq policy(ies), ${s.cpuidle.cpus.length} CPU(s) with cpuidle`,
    durationSeconds: d('cpus') + d('cpufreq') + d('cpuidle'),
  };
}

export function kernelLogStatus(s: Snapshot): SourceStatus {
  const k = s.kernelLog;
  return {
    source: 'kernel-log',
    ok: k.available,
    detail: k.available ? `${k.origin}: ${k.lines.length} relevant line(s)` : k.error ?? 'not available',
    durationSeconds: (s.durationsMs['kernelLog'] ?? 0) / 1000,
  };
}

export function acpiStatus(s: Snapshot): SourceStatus {
  return {
    source: 'acpi-tables',
    ok: !!s.acpi.readable,
    detail: s.acpi.readable ? `${s.acpi.tables.length} table(s) scanned` : s.acpi.reason ?? 'not available',
    durationSeconds: (s.durationsMs['acpi'] ?? 0) / 1000,
  };
}

export function commandStatus(c: CommandSummary): SourceStatus {
  return {
    source: c.name,
    ok: commandOk(c),
    detail: c.available ? `${c.origin}: exit ${c.exitCode ?? '-'}${c.error ? `, ${c.error}` : ''}` : c.error ?? 'not available',
    durationSeconds: c.durationMs / 1000,
  };
}

/** Failed reads per reader (EAGAIN, EACCES, EIO, links leaving the root …), for `xen_pm_probe_read_errors`. */
export function readErrorsBySource(s: Snapshot): Map<string, number> {
  const by = new Map<string, number>();
  for (const p of s.problems) by.set(p.source, (by.get(p.source) ?? 0) + 1);
  return by;
}

/** The sources a probe reports on as metrics: sysfs, the kernel log, and every command it ran or looked for. */
export function probeSources(s: Snapshot): SourceStatus[] {
  return [sysfsStatus(s), kernelLogStatus(s), ...Object.values(s.xen.commands).map(commandStatus)];
}
