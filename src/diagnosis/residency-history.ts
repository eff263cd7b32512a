import type { FrequencyView } from './frequency-view.js';

/**
 * Per-CPU cumulative counters from one probe, the input of every "over time" judgement: P-state
 * residency and busy/idle time, from whichever source the frequency view chose.
 */
export interface CpuCounters {
  /** Milliseconds per P-state, indexed like `frequenciesKhz`. */
  pstateMs: number[];
  frequenciesKhz: number[];
  /** Index of the highest P-state the CPU may use (after _PPC), and of the non-turbo maximum. */
  topIndex: number;
  topNonTurboIndex: number;
  /** Cumulative busy (C0) and idle milliseconds, when known. */
  busyMs: number | null;
  idleMs: number | null;
}

export interface CounterSample {
  /** Milliseconds, monotonic within one daemon. */
  t: number;
  cpus: Map<number, CpuCounters>;
}

/** The view's cumulative counters at one moment, per CPU. A CPU with an incomplete P-state list is left out. */
export function countersFromView(view: FrequencyView, t: number): CounterSample {
  const cpus = new Map<number, CpuCounters>();
  const idle = new Map(view.cstates.map((c) => [c.cpu, c]));
  for (const series of view.pstates) {
    const states = series.states;
    if (!states.length || states.some((x) => x.residencySeconds === null)) continue;
    const freqs = states.map((x) => x.khz);
    const turboEntry = freqs.length > 1 && freqs[0]! - freqs[1]! === 1000;
    const top = series.topUsableIndex;
    for (const cpu of series.cpus) {
      const c = idle.get(cpu);
      cpus.set(cpu, {
        pstateMs: states.map((x) => x.residencySeconds! * 1000),
        frequenciesKhz: freqs,
        topIndex: top,
        topNonTurboIndex: turboEntry && top === 0 ? 1 : top,
        busyMs: c?.busyMs ?? null,
        idleMs: c?.idleMs ?? null,
      });
    }
  }
  return { t, cpus };
}

export interface CpuWindowStats {
  /** Share of wall time busy over the window (0..1), null when unknown. */
  busyRatio: number | null;
  /** Share of P-state residency at the top (or top non-turbo) state. */
  topShare: number | null;
  /** Residency-weighted frequency in kHz over the window. */
  effectiveKhz: number | null;
  spanMs: number;
}

/** Compare two samples of one CPU. Counters that went backwards (reset, reboot) give null. */
export function windowStats(a: CpuCounters, b: CpuCounters, spanMs: number): CpuWindowStats {
  const out: CpuWindowStats = { busyRatio: null, topShare: null, effectiveKhz: null, spanMs };
  if (a.pstateMs.length === b.pstateMs.length && a.frequenciesKhz.join() === b.frequenciesKhz.join()) {
    const d = b.pstateMs.map((v, i) => v - a.pstateMs[i]!);
    const total = d.reduce((x, y) => x + y, 0);
    if (d.every((x) => x >= 0) && total > 0) {
      const top = d[b.topIndex]! + (b.topNonTurboIndex !== b.topIndex ? d[b.topNonTurboIndex]! : 0);
      out.topShare = top / total;
      out.effectiveKhz = d.reduce((x, v, i) => x + v * b.frequenciesKhz[i]!, 0) / total;
    }
  }
  if (a.busyMs !== null && b.busyMs !== null && a.idleMs !== null && b.idleMs !== null) {
    const busy = b.busyMs - a.busyMs;
    const idle = b.idleMs - a.idleMs;
    if (busy >= 0 && idle >= 0 && busy + idle > 0) out.busyRatio = busy / (busy + idle);
  } else if (a.idleMs !== null && b.idleMs !== null && spanMs > 0) {
    const idle = b.idleMs - a.idleMs;
    if (idle >= 0) out.busyRatio = Math.max(0, Math.min(1, 1 - idle / spanMs));
  }
  return out;
}
