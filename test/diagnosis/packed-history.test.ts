import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedHistory } from '../../src/diagnosis/packed-history.js';
import type { CounterSample, CpuCounters } from '../../src/diagnosis/residency-history.js';
import { detectStuck, type StuckOptions } from '../../src/diagnosis/stuck.js';

/**
 * The history ProbeCycle kept before it was packed (objects, one and a half windows), as it was in
 * src/cycle/probe-cycle.ts: the reference the packed history must judge exactly like.
 */
function referenceRemember(h: CounterSample[], sample: CounterSample, windowMs: number, steps: number): void {
  const step = windowMs / steps;
  if (h.length >= 2 && sample.t - h[h.length - 2]!.t < step) h[h.length - 1] = sample;
  else h.push(sample);
  const keepFrom = sample.t - windowMs * 1.5;
  while (h.length > 2 && h[1]!.t <= keepFrom) h.shift();
}

const TABLES = [[2401000, 2400000, 2000000, 1200000], [3401000, 3400000, 2800000, 2200000, 1600000], [1800000]];

/** One probe's counters: CPUs that come and go, tables that change, counters that advance, stall, reset or are unknown. */
const cpuArb = fc.record({
  cpu: fc.integer({ min: 0, max: 9 }),
  table: fc.integer({ min: 0, max: TABLES.length - 1 }),
  top: fc.integer({ min: 0, max: 1 }),
  residency: fc.array(fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })), { minLength: 5, maxLength: 5 }),
  busy: fc.option(fc.integer({ min: 0, max: 60_000 })),
  idle: fc.option(fc.integer({ min: 0, max: 60_000 })),
  reset: fc.boolean(),
});
const runArb = fc.record({ dt: fc.integer({ min: 0, max: 90_000 }), cpus: fc.array(cpuArb, { maxLength: 5 }) });

type Run = { dt: number; cpus: Array<{ cpu: number; table: number; top: number; residency: number[]; busy: number | null; idle: number | null; reset: boolean }> };

function sequence(runs: Run[]): CounterSample[] {
  const totals = new Map<number, { p: number[]; busy: number; idle: number }>();
  let t = 1_000;
  return runs.map((r) => {
    t += r.dt;
    const cpus = new Map<number, CpuCounters>();
    for (const c of r.cpus) {
      const table = TABLES[c.table]!;
      const prev = c.reset ? undefined : totals.get(c.cpu);
      const p = table.map((_, i) => (prev?.p[i] ?? 0) + c.residency[i]!);
      const busy = (prev?.busy ?? 0) + (c.busy ?? 0);
      const idle = (prev?.idle ?? 0) + (c.idle ?? 0);
      totals.set(c.cpu, { p, busy, idle });
      const top = Math.min(c.top, table.length - 1);
      cpus.set(c.cpu, { pstateMs: [...p], frequenciesKhz: table, topIndex: top, topNonTurboIndex: top === 0 && table.length > 1 ? 1 : top, busyMs: c.busy === null ? null : busy, idleMs: c.idle === null ? null : idle });
    }
    return { t, cpus };
  });
}

describe('PackedHistory', () => {
  it('gives the same stuck verdicts as the object history it replaced, run after run', () => {
    fc.assert(fc.property(fc.array(runArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 400_000 }), fc.integer({ min: 1, max: 30 }), (runs, windowMs, steps) => {
      const o: StuckOptions = { windowMs, busyThreshold: 0.5, topShareThreshold: 0.05, minCoverage: 0.8 };
      const reference: CounterSample[] = [];
      const packed = new PackedHistory(windowMs, steps);
      for (const sample of sequence(runs)) {
        referenceRemember(reference, sample, windowMs, steps);
        packed.push(sample);
        expect(detectStuck(packed.judged(), o)).toEqual(detectStuck(reference, o));
        expect(packed.size).toBeLessThanOrEqual(reference.length);
      }
    }), { numRuns: 300 });
  });

  it('finds a busy CPU stuck low through the packed samples, and unpacks them exactly', () => {
    const windowMs = 60_000;
    const h = new PackedHistory(windowMs, 20);
    const freqs = [2401000, 2400000, 2000000, 1200000];
    for (let i = 0; i <= 10; i++) {
      h.push({ t: i * 10_000, cpus: new Map([[3, { pstateMs: [1000.5, 0, 0, 1000 + i * 10_000], frequenciesKhz: freqs, topIndex: 0, topNonTurboIndex: 1, busyMs: 500 + 9_000 * i, idleMs: null }]]) });
    }
    const [from, last] = h.judged();
    expect(last!.t - from!.t).toBe(windowMs);
    expect(from!.cpus.get(3)).toEqual({ pstateMs: [1000.5, 0, 0, 41_000], frequenciesKhz: freqs, topIndex: 0, topNonTurboIndex: 1, busyMs: 36_500, idleMs: null });
    // Only what the judgement can still read is held: the sample one window old and those after it.
    expect(h.size).toBe(7);
  });
});
