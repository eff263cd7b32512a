import { MAX_CPU_ID } from '../util/bounds.js';

/**
 * Pure parsers for single sysfs/procfs values. They never throw: an unusable value comes back
 * as `{ ok: false, reason }` so the caller can record it as absent with the reason.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Values the kernel prints instead of a number when it has none (`<unknown>`, `<unsupported>`). */
const PLACEHOLDER = /^<[a-z ]+>$/i;

function describe(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(t);
}

/** A non-negative integer (`%u`, `%llu`), with surrounding whitespace tolerated. */
export function parseUnsigned(text: string): Parsed<number> {
  const t = text.replace(/\u0000/g, '').trim();
  if (t === '') return { ok: false, reason: 'empty value' };
  if (PLACEHOLDER.test(t)) return { ok: false, reason: `kernel reports ${t}` };
  if (!/^\d{1,20}$/.test(t)) return { ok: false, reason: `not a number: ${describe(t)}` };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { ok: false, reason: `out of range: ${describe(t)}` };
  return { ok: true, value: n };
}

/**
 * A frequency in kHz; 0 is the kernel's "no value" and rejected here. How large a frequency may be is judged
 * once, by the diagnosis (util/units.ts), which reports absurd readings instead of dropping them silently.
 */
export function parseKhz(text: string): Parsed<number> {
  const n = parseUnsigned(text);
  if (!n.ok) return n;
  if (n.value === 0) return { ok: false, reason: 'zero frequency' };
  return n;
}

/** A single word (governor, driver, status), trailing whitespace removed. */
export function parseWord(text: string): Parsed<string> {
  const t = text.replace(/\u0000/g, '').trim();
  if (t === '') return { ok: false, reason: 'empty value' };
  if (PLACEHOLDER.test(t)) return { ok: false, reason: `kernel reports ${t}` };
  if (t.length > 256 || /[\u0001-\u0008\u000e-\u001f]/.test(t)) return { ok: false, reason: `not text: ${describe(t)}` };
  return { ok: true, value: t };
}

/**
 * A kernel identifier (driver, governor, status, EPP preference): one token of `[A-Za-z0-9_.:+-]`. The kernel
 * prints exactly that; pasted dumps carry notes after it (`amd-pstate   <<<< note`), which are left behind.
 */
export function parseIdentifier(text: string): Parsed<string> {
  const w = parseWord(text.split('\n')[0] ?? '');
  if (!w.ok) return w;
  const m = /^[A-Za-z0-9_.:+-]+/.exec(w.value);
  if (!m) return { ok: false, reason: `not an identifier: ${describe(w.value)}` };
  return { ok: true, value: m[0] };
}

/** A space-separated list of words (`scaling_available_governors` has a trailing space). */
export function parseWords(text: string): Parsed<string[]> {
  const w = parseWord(text);
  if (!w.ok) return w;
  return { ok: true, value: w.value.split(/\s+/).filter(Boolean) };
}

/** A space-separated list of frequencies in kHz; malformed entries make the whole list unusable. */
export function parseKhzList(text: string): Parsed<number[]> {
  const t = text.trim();
  if (t === '') return { ok: true, value: [] };
  const out: number[] = [];
  for (const word of t.split(/\s+/)) {
    const v = parseKhz(word);
    if (!v.ok) return { ok: false, reason: `bad entry ${describe(word)}: ${v.reason}` };
    out.push(v.value);
  }
  return { ok: true, value: out };
}

/** `0/1` flags (boost, no_turbo, online). */
export function parseFlag(text: string): Parsed<boolean> {
  const t = text.trim();
  if (t === '0') return { ok: true, value: false };
  if (t === '1') return { ok: true, value: true };
  return { ok: false, reason: `not 0 or 1: ${describe(t)}` };
}

/** Kernel CPU lists: `0-3,8,10-11`; empty means none. Bounded so garbage cannot blow up memory. */
export function parseCpuList(text: string, maxCpus = MAX_CPU_ID + 1): Parsed<number[]> {
  const t = text.trim();
  if (t === '') return { ok: true, value: [] };
  const out: number[] = [];
  for (const part of t.split(/[,\s]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return { ok: false, reason: `bad CPU list entry ${describe(part)}` };
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b >= maxCpus) return { ok: false, reason: `bad CPU range ${describe(part)}` };
    for (let i = a; i <= b; i++) out.push(i);
  }
  return { ok: true, value: [...new Set(out)].sort((x, y) => x - y) };
}

export interface TimeInStateEntry {
  khz: number;
  /** Seconds: the file counts clock_t ticks (USER_HZ, 100 on every mainstream architecture). */
  seconds: number;
}

const USER_HZ = 100;

/** `stats/time_in_state`: `"%u %llu\n"` per frequency. Bad lines are skipped, not fatal. */
export function parseTimeInState(text: string): Parsed<TimeInStateEntry[]> {
  const out: TimeInStateEntry[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const m = /^(\d+)\s+(\d+)$/.exec(t);
    const khz = m ? parseKhz(m[1]!) : null;
    const ticks = m ? parseUnsigned(m[2]!) : null;
    if (!khz?.ok || !ticks?.ok) {
      bad++;
      continue;
    }
    out.push({ khz: khz.value, seconds: ticks.value / USER_HZ });
  }
  if (out.length === 0 && bad > 0) return { ok: false, reason: `no valid line (${bad} malformed)` };
  return { ok: true, value: out };
}

export interface TransTable {
  frequenciesKhz: number[];
  /** counts[from][to], in the order of frequenciesKhz. */
  counts: number[][];
}

/** `stats/trans_table`: header `From : To`, a row of target frequencies, then one row per source. */
export function parseTransTable(text: string): Parsed<TransTable> {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const headerIdx = lines.findIndex((l) => /^:\s*\d/.test(l));
  if (headerIdx < 0) return { ok: false, reason: 'no frequency header row' };
  const freqs = lines[headerIdx]!.slice(1).trim().split(/\s+/).map(Number);
  if (freqs.some((f) => !Number.isSafeInteger(f) || f <= 0)) {
    return { ok: false, reason: 'bad frequency in header row' };
  }
  const counts: number[][] = [];
  for (const line of lines.slice(headerIdx + 1)) {
    const m = /^(\d+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const row = m[2]!.trim().split(/\s+/).map(Number);
    if (row.length !== freqs.length || row.some((c) => !Number.isSafeInteger(c) || c < 0)) {
      return { ok: false, reason: `malformed row for ${m[1]} kHz` };
    }
    counts.push(row);
  }
  if (counts.length !== freqs.length) return { ok: false, reason: `expected ${freqs.length} rows, found ${counts.length}` };
  return { ok: true, value: { frequenciesKhz: freqs, counts } };
}
