import { splitLabel, toCount, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';
import { DropCounter, MAX_CPU_ID, MAX_PSTATES_PER_CPU } from '../util/bounds.js';

export interface XenPState {
  index: number;
  /** Marked `*P` by xenpm: the state Xen last requested. */
  current: boolean;
  freqMhz: number | null;
  transitions: number | null;
  residencyMs: number | null;
}

export interface XenCpufreqStates {
  cpu: number;
  totalPStates: number | null;
  /** usable = total − _PPC platform limit: usable < total means firmware caps the CPU. */
  usablePStates: number | null;
  currentMhz: number | null;
  states: XenPState[];
}

export interface CpufreqStatesOutput {
  cpus: XenCpufreqStates[];
  messages: XenpmMessage[];
  /** CPU blocks and P-states beyond the bounds (util/bounds.ts), dropped. */
  dropped: number;
}

const STATE_NEW = /^\s*(\*?)\s*P(\d+)\s*\[\s*(\d+)\s*MHz\s*\]\s*:\s*transition\s*\[\s*(\d+)\s*\]?/i; // 4.2+
const STATE_OLD = /^\s*(\*?)\s*P(\d+)\s*:\s*freq\s*\[\s*(\d+)\s*MHz\s*\]?/i; // 4.0, 4.1
const TRANSITION = /^\s*transition\s*\[\s*(\d+)\s*\]?/i;
const RESIDENCY = /^\s*residency\s*\[\s*(\d+)\s*(?:ms)?\s*\]?/i;
/** Both state layouts name a frequency in MHz: a line without it (half of a 4.2+ output) skips their regexes. */
const HAS_MHZ = /mhz/i;

/** `xenpm get-cpufreq-states` in both the 4.0/4.1 three-line and the 4.2+ two-line layout. */
export function parseCpufreqStates(stdout: string, stderr = ''): CpufreqStatesOutput {
  const cpus: XenCpufreqStates[] = [];
  const messages: XenpmMessage[] = [];
  let cur: XenCpufreqStates | null = null;
  let state: XenPState | null = null;
  const drops = new DropCounter();
  const keep = (st: XenPState) => { if (drops.room(cur!.states.length, MAX_PSTATES_PER_CPU)) cur!.states.push(st); };
  for (const line of toLines(stdout)) {
    if (!line.trim()) continue;
    let m: RegExpExecArray | null;
    const mhz = HAS_MHZ.test(line);
    if (mhz && (m = STATE_NEW.exec(line)) && cur) {
      state = { index: Number(m[2]), current: m[1] === '*', freqMhz: toCount(m[3]), transitions: toCount(m[4]), residencyMs: null };
      keep(state);
      continue;
    }
    if (mhz && (m = STATE_OLD.exec(line)) && cur) {
      state = { index: Number(m[2]), current: m[1] === '*', freqMhz: toCount(m[3]), transitions: null, residencyMs: null };
      keep(state);
      continue;
    }
    if ((m = TRANSITION.exec(line)) && state) {
      state.transitions = toCount(m[1]);
      continue;
    }
    if ((m = RESIDENCY.exec(line)) && state) {
      state.residencyMs = toCount(m[1]);
      continue;
    }
    const kv = splitLabel(line);
    if (kv?.label === 'cpu id' && toCount(kv.value) !== null) {
      cur = { cpu: toCount(kv.value)!, totalPStates: null, usablePStates: null, currentMhz: null, states: [] };
      if (drops.cpuOk(cur.cpu) && drops.room(cpus.length, MAX_CPU_ID + 1)) cpus.push(cur);
      state = null;
      continue;
    }
    if (cur && kv) {
      const num = toCount(kv.value.replace(/\s*MHz$/i, ''));
      if (kv.label === 'total p-states') { cur.totalPStates = num; continue; }
      if (kv.label === 'usable p-states') { cur.usablePStates = num; continue; }
      if (kv.label === 'current frequency') { cur.currentMhz = num; continue; }
    }
    messages.push(classifyOrKeep(line));
  }
  return { cpus, messages: withStderr(messages, stderr), dropped: drops.count };
}
