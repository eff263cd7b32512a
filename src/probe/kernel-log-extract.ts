import { outputUsable, type CommandResult } from './command-result.js';
import type { KernelLogExtract } from './snapshot.js';
import { hasLogPrefix, isContinuationLine, parseKernelLogLine, type KernelLogLine } from './parse-kernel-log.js';

/** Enough for every xen_acpi_processor and cpufreq line of a large host; the rest is noise. */
const MAX_KERNEL_LOG_LINES = 4000;

/** Pure: the kernel log command's (already filtered) output → the lines that matter, parsed. */
export function kernelLogExtract(r: CommandResult): KernelLogExtract {
  const lines: KernelLogLine[] = [];
  // A non-zero exit (dmesg restricted, journalctl failing) leaves nothing to believe.
  const usable = outputUsable(r) && (r.exitCode ?? 0) === 0;
  for (const raw of usable ? r.stdout.split('\n') : []) {
    const prev = lines[lines.length - 1];
    // A wrapped paste: the line finishes the one before it, if that one started like a log line.
    if (prev && isContinuationLine(raw) && hasLogPrefix(prev.raw) && prev.raw.length < 1000) {
      lines[lines.length - 1] = parseKernelLogLine(`${prev.raw.replace(/\r$/, '')} ${raw.trim()}`)!;
      continue;
    }
    const parsed = parseKernelLogLine(raw);
    if (parsed && lines.length < MAX_KERNEL_LOG_LINES) lines.push(parsed);
  }
  return {
    available: usable,
    origin: usable ? r.origin : null,
    failure: r.failure ?? (usable || !r.available ? null : 'exit-status'),
    error: r.error,
    linesSeen: r.linesSeen ?? null,
    truncated: r.truncated || lines.length >= MAX_KERNEL_LOG_LINES,
    lines,
  };
}
