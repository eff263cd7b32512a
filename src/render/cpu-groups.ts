import type { CpuRow } from '../diagnosis/report.js';

/** A closed range of numbers seen across a group's CPUs; null when no CPU of the group had a value. */
export interface Span {
  min: number;
  max: number;
}

/**
 * CPUs that agree on everything an operator acts on: online state, whose numbers these are, driver and
 * governor, limits and P-states usable. What differs from one CPU to the next at any instant (current
 * frequency, busy share) is not part of the key — it would split a 256-CPU host into 256 groups — and is
 * shown as a span per group instead.
 */
export interface CpuGroup {
  cpus: number[];
  online: boolean | null;
  source: CpuRow['source'];
  driver: string | null;
  governor: string | null;
  minHz: number | null;
  maxHz: number | null;
  scalingMaxHz: number | null;
  usablePStates: number | null;
  totalPStates: number | null;
  curHz: Span | null;
  busyRatio: Span | null;
}

const widen = (s: Span | null, v: number | null): Span | null =>
  v === null ? s : s === null ? { min: v, max: v } : { min: Math.min(s.min, v), max: Math.max(s.max, v) };

/** Groups CPU rows by what matters, in the order of each group's lowest CPU. Pure; the text and HTML faces share it. */
export function groupCpus(rows: readonly CpuRow[]): CpuGroup[] {
  const groups = new Map<string, CpuGroup>();
  for (const r of rows) {
    const key = JSON.stringify([r.online, r.source, r.driver, r.governor, r.minHz, r.maxHz, r.scalingMaxHz, r.usablePStates, r.totalPStates]);
    let g = groups.get(key);
    if (!g) {
      g = {
        cpus: [], online: r.online, source: r.source, driver: r.driver, governor: r.governor, minHz: r.minHz, maxHz: r.maxHz,
        scalingMaxHz: r.scalingMaxHz, usablePStates: r.usablePStates, totalPStates: r.totalPStates, curHz: null, busyRatio: null,
      };
      groups.set(key, g);
    }
    g.cpus.push(r.cpu);
    g.curHz = widen(g.curHz, r.curHz);
    g.busyRatio = widen(g.busyRatio, r.busyRatio);
  }
  const out = [...groups.values()];
  for (const g of out) g.cpus.sort((a, b) => a - b);
  return out.sort((a, b) => a.cpus[0]! - b.cpus[0]!);
}

/** `MHz` of a value in Hz, to one decimal when it has one (3401000000 → 3401, 1199950000 → 1200). */
export function mhz(hz: number | null): string {
  return hz === null ? '-' : `${Math.round(hz / 1e5) / 10}`;
}

/** A span as `a–b` (or `a` when every CPU agreed), each end formatted by `f`. */
export function formatSpan(s: Span | null, f: (v: number) => string): string {
  if (s === null) return '-';
  return s.min === s.max ? f(s.min) : `${f(s.min)}–${f(s.max)}`;
}

/** The cells every face shows for a group, in one place so the text report and the page agree. */
export function groupCells(g: CpuGroup): {
  online: string; source: string; driver: string; governor: string; min: string; max: string; scalingMax: string;
  pstates: string; cur: string; busy: string;
} {
  return {
    online: g.online === null ? '?' : g.online ? 'yes' : 'no',
    source: g.source,
    driver: g.driver ?? '-',
    governor: g.governor ?? '-',
    min: mhz(g.minHz),
    max: mhz(g.maxHz),
    scalingMax: mhz(g.scalingMaxHz),
    pstates: g.totalPStates === null ? '-' : g.usablePStates === null ? `${g.totalPStates}` : `${g.usablePStates}/${g.totalPStates}`,
    cur: formatSpan(g.curHz, (v) => mhz(v)),
    busy: g.busyRatio === null ? '-' : `${formatSpan(g.busyRatio, (v) => `${Math.round(v * 100)}`)}%`,
  };
}
