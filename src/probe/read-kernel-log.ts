import type { HostRoot } from './host-root.js';
import type { KernelLogExtract } from './snapshot.js';
import { isRelevantKernelLine, parseKernelLogLine, type KernelLogLine } from './parse-kernel-log.js';

/** Enough for every xen_acpi_processor and cpufreq line of a large host; the rest is noise. */
export const MAX_KERNEL_LOG_LINES = 4000;

/** Streams the kernel log through a filter so a log of hundreds of megabytes never sits in memory. */
export async function readKernelLog(host: HostRoot): Promise<KernelLogExtract> {
  const r = await host.runCommand('dmesg', { lineFilter: isRelevantKernelLine });
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
