import { toCount, toLines } from './normalize-text.js';
import { classifyOrKeep, type XenpmMessage, withStderr } from './parse-messages.js';

export interface StartStateShare {
  index: number;
  residencyMs: number | null;
  percent: number | null;
}

export interface StartCpu {
  cpu: number;
  cStates: StartStateShare[];
  pStates: StartStateShare[];
  /** kHz; `Avg freq\t%d\tKHz`, also when pasting lost the separators (`Avg freq1612000KHz`). */
  avgFreqKhz: number | null;
}

export interface StartOutput {
  elapsedMs: number | null;
  cpus: StartCpu[];
  messages: XenpmMessage[];
}

const CPU_HEAD = /^\s*CPU(\d+)\s*:/i;
const STATE = /^\s*([CP])(\d+)\s+(\d+)\s*\(\s*([\d.]+)\s*%\s*\)/;
const AVG = /Avg\s*freq\s*(\d+)\s*KHz/i;
const ELAPSED = /Elapsed time \(ms\):\s*(\d+)/i;
const NOISE = /^\s*(Timeout set to|Start sampling|Socket \d+|PC\d+\s|CC\d+\s|Core \d+ CPU \d+)/i;

/** The summary `xenpm start [seconds]` prints when sampling ends (4.0+). */
export function parseStart(stdout: string, stderr = ''): StartOutput {
  const out: StartOutput = { elapsedMs: null, cpus: [], messages: [] };
  let cur: StartCpu | null = null;
  for (const line of toLines(stdout)) {
    if (!line.trim()) continue;
    let m: RegExpExecArray | null;
    if ((m = ELAPSED.exec(line))) { out.elapsedMs = toCount(m[1]); continue; }
    if ((m = CPU_HEAD.exec(line))) {
      cur = { cpu: Number(m[1]), cStates: [], pStates: [], avgFreqKhz: null };
      out.cpus.push(cur);
      continue;
    }
    if ((m = AVG.exec(line))) {
      // 4.0/4.1 printed a single Avg freq line after the socket loop: it belongs to the last CPU.
      if (cur) cur.avgFreqKhz = toCount(m[1]);
      continue;
    }
    if ((m = STATE.exec(line)) && cur) {
      const pct = Number(m[4]);
      const share = { index: Number(m[2]), residencyMs: toCount(m[3]), percent: Number.isFinite(pct) ? pct : null };
      (m[1] === 'C' ? cur.cStates : cur.pStates).push(share);
      continue;
    }
    if (NOISE.test(line)) continue;
    out.messages.push(classifyOrKeep(line));
  }
  out.messages = withStderr(out.messages, stderr);
  return out;
}
