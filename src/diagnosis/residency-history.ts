import type { Snapshot } from '../probe/snapshot.js';

/**
 * Per-CPU cumulative counters from one probe, the input of every "over time" judgement:
 * P-state residency (Xen get-cpufreq-states, or Linux stats/time_in_state) and busy/idle time
 * (Xen C0 residency and idle time, or Linux cpuidle time).
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

export function countersFromSnapshot(s: Snapshot, t: number): CounterSample {
  const cpus = new Map<number, CpuCounters>();
  const idle = new Map((s.xen.idle?.cpus ?? []).map((c) => [c.cpu, c]));
  for (const st of s.xen.states?.cpus ?? []) {
    const states = [...st.states].sort((a, b) => a.index - b.index);
    if (!states.length || states.some((x) => x.residencyMs === null || x.freqMhz === null)) continue;
    const freqs = states.map((x) => x.freqMhz! * 1000);
    const top = st.totalPStates !== null && st.usablePStates !== null ? Math.max(0, st.totalPStates - st.usablePStates) : 0;
    const turboEntry = freqs.length > 1 && freqs[0]! - freqs[1]! === 1000;
    const i = idle.get(st.cpu);
    const c0 = i?.states.find((x) => x.index === 0)?.residencyMs ?? null;
    cpus.set(st.cpu, {
      pstateMs: states.map((x) => x.residencyMs!),
      frequenciesKhz: freqs,
      topIndex: top,
      topNonTurboIndex: turboEntry && top === 0 ? 1 : top,
      busyMs: c0,
      idleMs: i?.idleTimeMs ?? null,
    });
  }
  if (cpus.size) return { t, cpus };
  // Linux: time_in_state (clock_t) per policy, busy from cpuidle time (µs).
  const idleByCpu = new Map(s.cpuidle.cpus.map((c) => [c.cpu, c]));
  for (const c of s.cpus.cpus) {
    const p = s.cpufreq.policies.find((x) => x.name === c.policy);
    const tis = p?.timeInState;
    if (!p || !tis?.length) continue;
    const sorted = [...tis].sort((a, b) => b.khz - a.khz);
    const freqs = sorted.map((x) => x.khz);
    const turboEntry = freqs.length > 1 && freqs[0]! - freqs[1]! === 1000;
    const ci = idleByCpu.get(c.cpu);
    const idleUs = ci && ci.states.length && ci.states.every((x) => x.timeUs !== null) ? ci.states.reduce((a, x) => a + x.timeUs!, 0) : null;
    cpus.set(c.cpu, {
      pstateMs: sorted.map((x) => x.seconds * 1000),
      frequenciesKhz: freqs,
      topIndex: 0,
      topNonTurboIndex: turboEntry ? 1 : 0,
      busyMs: null,
      idleMs: idleUs === null ? null : idleUs / 1000,
    });
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
