import type { Status } from '../diagnosis/report.js';
import { terminalSafe } from '../util/terminal-safe.js';
import { esc, pageShell, PAGE_CSS } from './landing-page.js';

/** One target's line of the fleet overview. */
export interface FleetRow {
  name: string;
  destination: string;
  /** Null while the target has no result (never scraped, or its first collection is running). */
  status: Status | null;
  verdict: string | null;
  /** From the last report: whether Xen got the P-states, the frequency driver, the finding ids. */
  handoff: string | null;
  driver: string | null;
  findings: string[];
  /** The collection failure, quoted; null when it worked or there is none yet. */
  failure: string | null;
  ageMs: number | null;
  durationMs: number | null;
  active: boolean;
}

/** Worst first: what needs a person at 3 am is at the top; targets without a result last. */
const RANK: Record<string, number> = { critical: 0, unknown: 1, warning: 2, ok: 3 };
export function sortRows(rows: FleetRow[]): FleetRow[] {
  return [...rows].sort((a, b) => (RANK[a.status ?? ''] ?? 4) - (RANK[b.status ?? ''] ?? 4) || a.name.localeCompare(b.name));
}

const age = (ms: number | null) => (ms === null ? '-' : ms < 120_000 ? `${Math.round(ms / 1000)}s ago` : `${Math.round(ms / 60_000)}m ago`);
const stateWord = (r: FleetRow) => (r.status ? r.status.toUpperCase() : r.active ? 'PENDING' : 'NOT PROBED');

/** The overview as text (curl /fleet): one line per target, worst first; host text made terminal-safe. */
export function fleetText(rows: FleetRow[]): string {
  const sorted = sortRows(rows);
  const counts = new Map<string, number>();
  for (const r of sorted) counts.set(stateWord(r), (counts.get(stateWord(r)) ?? 0) + 1);
  const head = `${rows.length} target${rows.length === 1 ? '' : 's'}: ${[...counts].map(([k, n]) => `${n} ${k.toLowerCase()}`).join(', ') || 'none'}`;
  const width = Math.min(40, Math.max(6, ...sorted.map((r) => r.name.length)));
  const lines = sorted.map((r) => {
    const what = r.failure ? `collection failed: ${r.failure}` : r.verdict ?? (r.active ? 'first collection under way' : 'not scraped yet (active once Prometheus asks for it)');
    const facts = r.status && !r.failure ? ` [hand-off ${r.handoff ?? '-'}, driver ${r.driver ?? '-'}]` : '';
    return `${stateWord(r).padEnd(10)} ${r.name.padEnd(width)} ${age(r.ageMs).padEnd(8)} ${terminalSafe(what)}${terminalSafe(facts)}`;
  });
  return `${head}\n\n${lines.join('\n')}\n`;
}

const FLEET_CSS = `${PAGE_CSS}
table.fleet{border-collapse:collapse;width:100%;background:#fff}
table.fleet td,table.fleet th{border:1px solid #d8dbe0;padding:.3em .5em;text-align:left;vertical-align:top}
td.st{font-weight:bold;white-space:nowrap}
tr.s-critical td.st{color:#fff;background:#c62828}
tr.s-warning td.st{background:#f08c00}
tr.s-ok td.st{color:#fff;background:#1d7a35}
tr.s-unknown td.st,tr.s-none td.st{color:#fff;background:#6b6f76}
`;

/** The overview page (GET / of a fleet exporter): every target, worst first, each linking to its report. */
export function fleetPage(rows: FleetRow[]): string {
  const body = sortRows(rows).map((r) => {
    const what = r.failure ? `collection failed: ${r.failure}` : r.verdict ?? (r.active ? 'first collection under way' : 'not scraped yet');
    const q = encodeURIComponent(r.name);
    return `<tr class="s-${r.status ?? 'none'}" id="target-${esc(r.name)}"><td class="st">${esc(stateWord(r))}</td><td><a href="health?target=${q}&amp;format=text">${esc(r.name)}</a></td>`
      + `<td class="mono">${esc(r.destination)}</td><td>${esc(age(r.ageMs))}</td><td>${esc(r.handoff ?? '-')}</td><td>${esc(r.driver ?? '-')}</td>`
      + `<td>${esc(what)}${r.findings.length ? `<br><span class="mono">${esc(r.findings.join(' '))}</span>` : ''}</td><td><a href="probe?target=${q}">metrics</a></td></tr>`;
  });
  return pageShell('xen-pm-exporter fleet', `<h1>xen-pm-exporter: ${rows.length} dom0${rows.length === 1 ? '' : 's'}</h1>
<p><a href="fleet">text</a> · <a href="fleet?format=json">JSON</a> · <a href="targets">Prometheus http_sd targets</a> · <a href="metrics">exporter metrics</a></p>
<table class="fleet"><thead><tr><th>status</th><th>target</th><th>destination</th><th>collected</th><th>hand-off</th><th>driver</th><th>verdict and findings</th><th></th></tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>`, FLEET_CSS);
}

export const FLEET_CSS_TEXT = FLEET_CSS;
