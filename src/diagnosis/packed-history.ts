import type { CounterSample, CpuCounters } from './residency-history.js';

/**
 * One counter sample in typed arrays: a fleet exporter holds one history per target, and a sample as
 * objects (a Map of CPUs, two arrays per CPU) cost ~350 bytes per CPU against ~130 here. Frequency
 * tables are shared with the sample before when equal (they do not change while a host runs).
 */
interface PackedSample {
  t: number;
  cpus: Int32Array;
  /** pstateMs of CPU k are values[offsets[k] .. offsets[k+1]). */
  offsets: Int32Array;
  values: Float64Array;
  /** busyMs and idleMs per CPU; `nulls` says which are null (bit 0 busy, bit 1 idle). */
  busyIdle: Float64Array;
  nulls: Uint8Array;
  top: Int32Array;
  topNonTurbo: Int32Array;
  /** Index into `tables` per CPU. */
  table: Int32Array;
  tables: number[][];
}

function pack(s: CounterSample, before: PackedSample | undefined): PackedSample {
  const n = s.cpus.size;
  const cpus = new Int32Array(n);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (const c of s.cpus.values()) total += c.pstateMs.length;
  const values = new Float64Array(total);
  const busyIdle = new Float64Array(2 * n);
  const nulls = new Uint8Array(n);
  const top = new Int32Array(n);
  const topNonTurbo = new Int32Array(n);
  const table = new Int32Array(n);
  const tables: number[][] = [];
  // The same table arrays as the sample before wherever equal, so a long history holds each table once.
  const known = new Map<number[], number>();
  const byText = new Map<string, number>();
  const previous = new Map((before?.tables ?? []).map((t) => [t.join(), t]));
  let k = 0;
  let at = 0;
  for (const [cpu, c] of s.cpus) {
    cpus[k] = cpu;
    offsets[k] = at;
    values.set(c.pstateMs, at);
    at += c.pstateMs.length;
    busyIdle[2 * k] = c.busyMs ?? 0;
    busyIdle[2 * k + 1] = c.idleMs ?? 0;
    nulls[k] = (c.busyMs === null ? 1 : 0) | (c.idleMs === null ? 2 : 0);
    top[k] = c.topIndex;
    topNonTurbo[k] = c.topNonTurboIndex;
    let ti = known.get(c.frequenciesKhz);
    if (ti === undefined) {
      const text = c.frequenciesKhz.join();
      ti = byText.get(text);
      if (ti === undefined) {
        ti = tables.length;
        tables.push(previous.get(text) ?? [...c.frequenciesKhz]);
        byText.set(text, ti);
      }
      known.set(c.frequenciesKhz, ti);
    }
    table[k] = ti;
    k++;
  }
  offsets[n] = at;
  return { t: s.t, cpus, offsets, values, busyIdle, nulls, top, topNonTurbo, table, tables };
}

function unpack(p: PackedSample): CounterSample {
  const cpus = new Map<number, CpuCounters>();
  for (let k = 0; k < p.cpus.length; k++) {
    cpus.set(p.cpus[k]!, {
      pstateMs: Array.from(p.values.subarray(p.offsets[k]!, p.offsets[k + 1]!)),
      frequenciesKhz: p.tables[p.table[k]!]!,
      topIndex: p.top[k]!,
      topNonTurboIndex: p.topNonTurbo[k]!,
      busyMs: p.nulls[k]! & 1 ? null : p.busyIdle[2 * k]!,
      idleMs: p.nulls[k]! & 2 ? null : p.busyIdle[2 * k + 1]!,
    });
  }
  return { t: p.t, cpus };
}

/**
 * The residency history of one host for the stuck judgement (src/diagnosis/stuck.ts), packed and no longer
 * than the judgement can use: samples at most `windowMs / stepsPerWindow` apart (the newest slot moves
 * forward until it is a step past the one before it), and none older than the newest sample at least one
 * window old. detectStuck() compares only that sample with the newest, and with time going forward it only
 * ever picks a younger one, so an older sample could never be read again.
 */
export class PackedHistory {
  private samples: PackedSample[] = [];

  constructor(private readonly windowMs: number, private readonly stepsPerWindow: number) {}

  get size(): number {
    return this.samples.length;
  }

  push(sample: CounterSample): void {
    const h = this.samples;
    const step = this.windowMs / this.stepsPerWindow;
    const packed = pack(sample, h[h.length - 1]);
    if (h.length >= 2 && sample.t - h[h.length - 2]!.t < step) h[h.length - 1] = packed;
    else h.push(packed);
    let from = 0;
    for (let i = 0; i < h.length; i++) if (sample.t - h[i]!.t >= this.windowMs) from = i;
    if (from > 0) this.samples = h.slice(from);
  }

  /**
   * What detectStuck() reads, unpacked: the sample it compares against and the newest (one sample while
   * there is only one). detectStuck() over this pair picks the same two as over the whole history.
   */
  judged(): CounterSample[] {
    const h = this.samples;
    const last = h[h.length - 1];
    if (!last) return [];
    let from = h[0]!;
    for (const s of h) if (last.t - s.t >= this.windowMs) from = s;
    return from === last ? [unpack(last)] : [unpack(from), unpack(last)];
  }
}
