/**
 * Durations the Prometheus way (Go's time.ParseDuration, as every exporter flag takes them): `500ms`, `15s`,
 * `1m30s`, `2h`, also `1.5s`; a bare number is seconds. Bounded so a typo cannot overflow a timer: Node's
 * timers hold at most 2^31-1 ms (24.8 days) and silently fire after 1 ms beyond that.
 */
const MAX_DURATION_MS = 2_147_483_647;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const t = text.trim();
  let ms: number;
  if (/^\d+(?:\.\d+)?$/.test(t)) {
    ms = Number(t) * 1000;
  } else {
    if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(t)) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 15s, 1m30s, 2h)`);
    ms = 0;
    for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  ms = Math.round(ms);
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) throw new Error(`duration too long: ${JSON.stringify(text)} (at most 596h)`);
  return ms;
}

/** A positive duration: zero makes no sense for a timeout or an interval. */
export function parsePositiveDuration(text: string, what: string, minMs = 1): number {
  const ms = parseDuration(text);
  if (ms < minMs) throw new Error(`${what} must be at least ${formatDuration(minMs)}, not ${JSON.stringify(text)}`);
  return ms;
}

/** The shortest Go-style spelling: 90000 → `1m30s`, 1500 → `1.5s`, 250 → `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
