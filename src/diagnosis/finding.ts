import { CATALOG } from './catalog.js';
import type { Finding, FindingId, Severity } from './report.js';

/** Builds a finding from the catalogue; evidence is de-duplicated and bounded for readability. */
export function finding(
  id: FindingId,
  summary: string,
  evidence: string[],
  options: { severity?: Severity; remedy?: string } = {},
): Finding {
  const unique = [...new Set(evidence.filter((e) => e && e.trim()))];
  const shown = unique.length > 24 ? [...unique.slice(0, 23), `… and ${unique.length - 23} more`] : unique;
  return {
    id,
    severity: options.severity ?? CATALOG[id].severity,
    summary,
    evidence: shown,
    remedy: options.remedy ?? CATALOG[id].remedy,
  };
}

export function mostCommon<T>(values: Array<T | null | undefined>): T | null {
  const counts = new Map<T, number>();
  for (const v of values) if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let n = 0;
  for (const [v, c] of counts) if (c > n) { best = v; n = c; }
  return best;
}
