import { splitLabel, toCount, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';
import { DropCounter, MAX_CPU_ID } from '../util/bounds.js';

export interface XenCpufreqAverage {
  cpu: number;
  /** kHz, APERF/MPERF since the previous reader's call (not bounds-checked here). */
  averageKhz: number | null;
}

export interface CpufreqAverageOutput {
  cpus: XenCpufreqAverage[];
  messages: XenpmMessage[];
  /** Blocks beyond the bounds (util/bounds.ts), dropped. */
  dropped: number;
}

/** `xenpm get-cpufreq-average` (4.7+): `cpu id` and `average cpu frequency: %d` per CPU. */
export function parseCpufreqAverage(stdout: string, stderr = ''): CpufreqAverageOutput {
  const cpus: XenCpufreqAverage[] = [];
  const messages: XenpmMessage[] = [];
  let cur: XenCpufreqAverage | null = null;
  const drops = new DropCounter();
  for (const line of toLines(stdout)) {
    if (!line.trim()) continue;
    const kv = splitLabel(line);
    if (kv?.label === 'cpu id' && toCount(kv.value) !== null) {
      cur = { cpu: toCount(kv.value)!, averageKhz: null };
      if (drops.cpuOk(cur.cpu) && drops.room(cpus.length, MAX_CPU_ID + 1)) cpus.push(cur);
      continue;
    }
    if (cur && kv?.label === 'average cpu frequency') {
      cur.averageKhz = toCount(kv.value.replace(/\s*kHz$/i, ''));
      continue;
    }
    messages.push(classifyOrKeep(line));
  }
  return { cpus, messages: withStderr(messages, stderr), dropped: drops.count };
}
