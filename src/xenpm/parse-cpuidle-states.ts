import { splitLabel, toCount, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';
import { DropCounter, MAX_CPU_ID, MAX_CSTATES_PER_CPU } from '../util/bounds.js';

export interface XenCState {
  index: number;
  transitions: number | null;
  residencyMs: number | null;
}

export interface XenCpuidleStates {
  cpu: number;
  /** Counts C0 too. */
  totalCStates: number | null;
  idleTimeMs: number | null;
  states: XenCState[];
  /** Package (pcN) and core (ccN) residencies in ms, keyed by N. */
  packageResidencyMs: Record<string, number>;
  coreResidencyMs: Record<string, number>;
}

export interface CpuidleHeader {
  /** Deepest allowed C-state, or null when `All C-states allowed` (or no header). */
  maxCState: number | null;
  maxSubstate: number | null;
  allAllowed: boolean;
  line: string | null;
}

export interface CpuidleStatesOutput {
  header: CpuidleHeader;
  cpus: XenCpuidleStates[];
  messages: XenpmMessage[];
  /** CPU blocks and C-states beyond the bounds (util/bounds.ts), dropped. */
  dropped: number;
}

const CSTATE = /^\s*C(\d+)\s*:\s*transition\s*\[\s*(\d+)\s*\]?/i;
const RESIDENCY = /^\s*residency\s*\[\s*(\d+)\s*(?:ms)?\s*\]?/i;
const PKG_CORE = /^\s*(pc|cc)(\d+)\s*:\s*\[\s*(\d+)\s*(?:ms)?\s*\]?/i;
const MAX_CSTATE = /^\s*Max (?:possible )?C-state:\s*C?(\d+)/i;
const MAX_SUBSTATE = /^\s*Max possible substate:\s*(\d+)/i;
const ALL_ALLOWED = /^\s*All C-states allowed/i;

/**
 * `xenpm get-cpuidle-states`: a global limit header (`Max C-state:` ≤4.1, `Max possible
 * C-state:` 4.2–4.13 and with max_cstate on 4.14+, `All C-states allowed` 4.14+), then per-CPU
 * blocks with `%020` zero-padded (≤4.1) or space-padded counters and optional pcN/ccN lines.
 */
export function parseCpuidleStates(stdout: string, stderr = ''): CpuidleStatesOutput {
  const header: CpuidleHeader = { maxCState: null, maxSubstate: null, allAllowed: false, line: null };
  const cpus: XenCpuidleStates[] = [];
  const messages: XenpmMessage[] = [];
  let cur: XenCpuidleStates | null = null;
  let state: XenCState | null = null;
  const drops = new DropCounter();
  for (const line of toLines(stdout)) {
    if (!line.trim()) continue;
    let m: RegExpExecArray | null;
    if ((m = MAX_CSTATE.exec(line))) { header.maxCState = toCount(m[1]); header.line = line.trim(); continue; }
    if ((m = MAX_SUBSTATE.exec(line))) { header.maxSubstate = toCount(m[1]); continue; }
    if (ALL_ALLOWED.test(line)) { header.allAllowed = true; header.line = line.trim(); continue; }
    if ((m = CSTATE.exec(line)) && cur) {
      state = { index: Number(m[1]), transitions: toCount(m[2]), residencyMs: null };
      if (drops.room(cur.states.length, MAX_CSTATES_PER_CPU)) cur.states.push(state);
      continue;
    }
    if ((m = RESIDENCY.exec(line)) && state) { state.residencyMs = toCount(m[1]); continue; }
    if ((m = PKG_CORE.exec(line)) && cur) {
      const v = toCount(m[3]);
      if (v !== null) (m[1]!.toLowerCase() === 'pc' ? cur.packageResidencyMs : cur.coreResidencyMs)[m[2]!] = v;
      continue;
    }
    const kv = splitLabel(line);
    if (kv?.label === 'cpu id' && toCount(kv.value) !== null) {
      cur = { cpu: toCount(kv.value)!, totalCStates: null, idleTimeMs: null, states: [], packageResidencyMs: {}, coreResidencyMs: {} };
      if (drops.cpuOk(cur.cpu) && drops.room(cpus.length, MAX_CPU_ID + 1)) cpus.push(cur);
      state = null;
      continue;
    }
    if (cur && kv?.label === 'total c-states') { cur.totalCStates = toCount(kv.value); continue; }
    if (cur && kv?.label === 'idle time(ms)') { cur.idleTimeMs = toCount(kv.value); continue; }
    messages.push(classifyOrKeep(line));
  }
  return { header, cpus, messages: withStderr(messages, stderr), dropped: drops.count };
}
