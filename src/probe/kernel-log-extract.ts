import type { CommandResult } from './command-result.js';
import type { KernelLogExtract } from './snapshot.js';
import { parseKernelLogLine, type KernelLogLine } from './parse-kernel-log.js';

/** Enough for every xen_acpi_processor and cpufreq line of a large host; the rest is noise. */
const MAX_KERNEL_LOG_LINES = 4000;

/** Pure: the kernel log command's (already filtered) output → the lines that matter, parsed. */
export function kernelLogExtract(r: CommandResult): KernelLogExtract {
  const lines: KernelLogLine[] = [];
  for (const raw of r.stdout.split('\n')) {
    const parsed = parseKernelLogLine(raw);
    if (parsed && lines.length < MAX_KERNEL_LOG_LINES) lines.push(parsed);
  }
  return {
    available: r.available,
    origin: r.available ? r.origin : null,
    error: r.error,
    linesSeen: r.linesSeen ?? null,
    truncated: r.truncated || lines.length >= MAX_KERNEL_LOG_LINES,
    lines,
  };
}
