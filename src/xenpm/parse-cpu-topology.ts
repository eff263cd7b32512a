import { toCount, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';

export interface XenCpuTopology {
  cpu: number;
  core: number | null;
  socket: number | null;
  node: number | null;
}

export interface CpuTopologyOutput {
  cpus: XenCpuTopology[];
  messages: XenpmMessage[];
}

const ROW = /^\s*CPU\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)?/i;
const HEADER = /^\s*CPU\s+core\s+socket\s+node/i;

/** `xenpm get-cpu-topology`: `CPU%d\t %d\t %d\t %d`; offline CPUs (invalid core) are omitted by Xen. */
export function parseCpuTopology(stdout: string, stderr = ''): CpuTopologyOutput {
  const cpus: XenCpuTopology[] = [];
  const messages: XenpmMessage[] = [];
  for (const line of toLines(stdout)) {
    if (!line.trim() || HEADER.test(line)) continue;
    const m = ROW.exec(line);
    if (m) {
      cpus.push({ cpu: Number(m[1]), core: toCount(m[2]), socket: toCount(m[3]), node: toCount(m[4]) });
      continue;
    }
    messages.push(classifyOrKeep(line));
  }
  return { cpus, messages: withStderr(messages, stderr) };
}
