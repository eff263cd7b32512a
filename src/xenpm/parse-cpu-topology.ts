import { toCount, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';
import { DropCounter, MAX_CPU_ID } from '../util/bounds.js';

export interface XenCpuTopology {
  cpu: number;
  core: number | null;
  socket: number | null;
  node: number | null;
}

export interface CpuTopologyOutput {
  cpus: XenCpuTopology[];
  messages: XenpmMessage[];
  /** Rows beyond the bounds (util/bounds.ts), dropped. */
  dropped: number;
}

const ROW = /^\s*CPU\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)?/i;
const HEADER = /^\s*CPU\s+core\s+socket\s+node/i;

/** `xenpm get-cpu-topology`: `CPU%d\t %d\t %d\t %d`; offline CPUs (invalid core) are omitted by Xen. */
export function parseCpuTopology(stdout: string, stderr = ''): CpuTopologyOutput {
  const cpus: XenCpuTopology[] = [];
  const messages: XenpmMessage[] = [];
  const drops = new DropCounter();
  for (const line of toLines(stdout)) {
    if (!line.trim() || HEADER.test(line)) continue;
    const m = ROW.exec(line);
    if (m) {
      const cpu = Number(m[1]);
      if (drops.cpuOk(cpu) && drops.room(cpus.length, MAX_CPU_ID + 1)) cpus.push({ cpu, core: toCount(m[2]), socket: toCount(m[3]), node: toCount(m[4]) });
      continue;
    }
    messages.push(classifyOrKeep(line));
  }
  return { cpus, messages: withStderr(messages, stderr), dropped: drops.count };
}
