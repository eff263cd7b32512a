import { formatCpuList } from '../util/cpu-list.js';
import { formatMhz } from '../util/units.js';
import type { Finding } from './report.js';
import { finding } from './finding.js';
import { type CounterSample, type CpuWindowStats, windowStats } from './residency-history.js';

export interface StuckOptions {
  windowMs: number;
  /** A CPU counts as busy above this C0 share over the window. */
  busyThreshold: number;
  /** …and as stuck when its share at the top P-state stays at or below this. */
  topShareThreshold: number;
  /** How much of the window the samples must cover before anything is judged. */
  minCoverage: number;
}

export const DEFAULT_STUCK: StuckOptions = { windowMs: 5 * 60_000, busyThreshold: 0.5, topShareThreshold: 0.05, minCoverage: 0.8 };

export interface StuckVerdict {
  perCpu: Map<number, CpuWindowStats & { stuck: boolean }>;
  finding: Finding | null;
}

/**
 * FREQUENCY_STUCK_BELOW_MAX, from successive probes: a CPU that was busy over the window while
 * its residency at the top P-state stayed near zero. An idle CPU at low frequency is not stuck,
 * and a window the samples do not cover yet judges nothing.
 */
export function detectStuck(history: readonly CounterSample[], o: StuckOptions = DEFAULT_STUCK): StuckVerdict {
  const perCpu: StuckVerdict['perCpu'] = new Map();
  const last = history[history.length - 1];
  if (!last) return { perCpu, finding: null };
  // Start at the newest sample at least one window old (probe jitter must not shrink the window);
  // before the history is that long, at the oldest sample, which then judges nothing until covered.
  let from = history[0]!;
  for (const s of history) if (last.t - s.t >= o.windowMs) from = s;
  const span = last.t - from.t;
  const covered = span >= o.windowMs * o.minCoverage;
  const stuck: number[] = [];
  const evidence: string[] = [];
  for (const [cpu, b] of last.cpus) {
    const a = from.cpus.get(cpu);
    if (!a || from === last) continue;
    const w = windowStats(a, b, span);
    const isStuck = covered && w.busyRatio !== null && w.topShare !== null && w.busyRatio >= o.busyThreshold && w.topShare <= o.topShareThreshold;
    perCpu.set(cpu, { ...w, stuck: isStuck });
    if (isStuck) {
      stuck.push(cpu);
      evidence.push(`CPU${cpu}: busy ${(w.busyRatio! * 100).toFixed(0)}% over ${(span / 1000).toFixed(0)} s, ${(w.topShare! * 100).toFixed(1)}% of P-state time at the top (${formatMhz(b.frequenciesKhz[b.topIndex])}), effective ${formatMhz(w.effectiveKhz)}`);
    }
  }
  return {
    perCpu,
    finding: stuck.length
      ? finding('FREQUENCY_STUCK_BELOW_MAX', `CPU(s) ${formatCpuList(stuck)} were busy for the last ${(span / 1000).toFixed(0)} s but never reached the top P-state.`, evidence)
      : null,
  };
}
