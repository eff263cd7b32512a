/** When the probe ran, for a person reading the report: the time in UTC and how long ago. */

/** `4 s`, `12 min`, `3 h 5 min`, `2 d 4 h`: two units at most, the coarse one first. */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Milliseconds between the probe and `now`; null when the report's time does not parse. */
export function probeAgeMs(generatedAt: string, now: Date): number | null {
  const t = Date.parse(generatedAt);
  return Number.isNaN(t) ? null : now.getTime() - t;
}

/** `2026-01-01 00:00:00 UTC`, or the report's own text when it is not a time. */
export function formatProbeTime(generatedAt: string): string {
  const t = Date.parse(generatedAt);
  return Number.isNaN(t) ? generatedAt : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `5 s ago`; a probe time ahead of `now` (clocks disagree) says so instead of a negative age. */
export function describeAge(ageMs: number): string {
  // A second of difference is the rounding of two clocks, not skew.
  return ageMs < -1000 ? `${formatAge(-ageMs)} in the future — clocks disagree` : `${formatAge(ageMs)} ago`;
}
