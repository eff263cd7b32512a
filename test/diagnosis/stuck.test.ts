import { describe, expect, it } from 'vitest';
import { detectStuck } from '../../src/diagnosis/stuck.js';
import type { CounterSample, CpuCounters } from '../../src/diagnosis/residency-history.js';

const FREQS = [2401000, 2400000, 2000000, 1200000];
const cpu = (pstateMs: number[], busyMs: number, idleMs: number, topIndex = 0): CpuCounters => ({
  pstateMs, frequenciesKhz: FREQS, topIndex, topNonTurboIndex: topIndex === 0 ? 1 : topIndex, busyMs, idleMs,
});
/** A history of samples every `step` ms where each CPU's counters advance by the given deltas. */
function history(n: number, step: number, delta: { p: number[]; busy: number; idle: number }, topIndex = 0): CounterSample[] {
  const out: CounterSample[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ t: i * step, cpus: new Map([[0, cpu(delta.p.map((d) => 1000 + d * i), 500 + delta.busy * i, 900 + delta.idle * i, topIndex)]]) });
  }
  return out;
}
const opts = { windowMs: 60_000, busyThreshold: 0.5, topShareThreshold: 0.05, minCoverage: 0.8 };

describe('FREQUENCY_STUCK_BELOW_MAX', () => {
  it('busy CPU living at the lowest P-state is stuck', () => {
    const v = detectStuck(history(7, 10_000, { p: [0, 0, 0, 10_000], busy: 9_000, idle: 1_000 }), opts);
    expect(v.finding?.id).toBe('FREQUENCY_STUCK_BELOW_MAX');
    expect(v.perCpu.get(0)).toMatchObject({ stuck: true, busyRatio: 0.9, topShare: 0, effectiveKhz: 1200000 });
  });
  it('idle CPU at low frequency is not stuck', () => {
    const v = detectStuck(history(7, 10_000, { p: [0, 0, 0, 10_000], busy: 200, idle: 9_800 }), opts);
    expect(v.finding).toBeNull();
    expect(v.perCpu.get(0)!.stuck).toBe(false);
  });
  it('busy CPU at the top (turbo entry or non-turbo max) is not stuck', () => {
    expect(detectStuck(history(7, 10_000, { p: [10_000, 0, 0, 0], busy: 9_500, idle: 500 }), opts).finding).toBeNull();
    expect(detectStuck(history(7, 10_000, { p: [0, 9_000, 0, 1_000], busy: 9_500, idle: 500 }), opts).finding).toBeNull();
  });
  it('under a _PPC cap the top usable state counts as the top', () => {
    const v = detectStuck(history(7, 10_000, { p: [0, 0, 10_000, 0], busy: 9_500, idle: 500 }, 2), opts);
    expect(v.finding).toBeNull();
  });
  it('judges nothing until the samples cover the window', () => {
    expect(detectStuck(history(3, 10_000, { p: [0, 0, 0, 10_000], busy: 9_000, idle: 1_000 }), opts).finding).toBeNull();
  });
  it('counters that go backwards (stats reset, reboot) give no verdict', () => {
    const h = history(7, 10_000, { p: [0, 0, 0, 10_000], busy: 9_000, idle: 1_000 });
    h[h.length - 1]!.cpus.get(0)!.pstateMs[3] = 0;
    const v = detectStuck(h, opts);
    expect(v.finding).toBeNull();
    expect(v.perCpu.get(0)!.topShare).toBeNull();
  });
});
