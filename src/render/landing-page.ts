import { createHash } from 'node:crypto';
import type { Finding, Report, Status } from '../diagnosis/report.js';
import { formatCpuList } from '../util/cpu-list.js';
import { terminalSafe } from '../util/terminal-safe.js';
import { VERSION } from '../util/version.js';
import { groupCells, groupCpus } from './cpu-groups.js';
import { describeAge, formatProbeTime } from './probe-time.js';
import { RUNBOOK_SECTION, runbookUrl } from './runbook-links.js';
import { EVIDENCE_SHOWN } from './text-report.js';

/**
 * The daemon's `/` page as a pure function of (report, probe age, links), built from blocks the fleet page can
 * reuse: the verdict banner, a finding card, the CPU summary, the page shell and its CSP. Self-contained: one
 * inline stylesheet (allowed by its hash), no script, no image, no font, nothing fetched — it works offline and
 * under `default-src 'none'`. Everything that came from a host is escaped.
 */

export interface PageLinks {
  /** The telemetry path (`--web.telemetry-path`). */
  metrics: string;
  /** The JSON report; `?format=text` is the text one. */
  health: string;
  healthz: string;
  /** Base of the runbooks document (RUNBOOKS_URL); a finding's section anchor is appended. */
  runbooks: string;
}

/**
 * Host text (and anything else) for HTML: controls and bidi overrides shown as escapes, as on a terminal (an
 * override would reorder what a reader sees), then the five HTML specials as entities.
 */
export function esc(text: string): string {
  return terminalSafe(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped text with the remedies' `command` spans set as code (the backticks carry no host markup after esc). */
function withCode(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** Banner colours by status (what a person sees first): green, orange, red, grey. Text colour keeps 4.5:1 contrast. */
export const PAGE_CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;background:#f4f5f7}
main{max-width:76em;margin:0 auto;padding:1em}
a{color:#0b57d0}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
code{background:#eceef1;padding:0 .25em;border-radius:3px}
.banner{padding:1em 1.25em;border-radius:8px;color:#fff}
.banner h1{font-size:1.25em;line-height:1.35;margin:0 0 .4em;overflow-wrap:anywhere}
.banner p{margin:0}
.banner code{background:rgba(255,255,255,.2)}
.status-ok{background:#1d7a35}
.status-warning{background:#f08c00;color:#1b1b1b}
.status-warning code{background:rgba(0,0,0,.1)}
.status-critical{background:#c62828}
.status-unknown{background:#6b6f76}
h2{font-size:1.1em;margin:1.4em 0 .5em}
.card{background:#fff;border:1px solid #d8dbe0;border-left:6px solid #6b6f76;border-radius:6px;padding:.7em 1em;margin:.8em 0}
.card h3{font-size:1em;margin:0 0 .3em;overflow-wrap:anywhere}
.card p{margin:.35em 0}
.sev-critical{border-left-color:#c62828}
.sev-warning{border-left-color:#f08c00}
.sev-info{border-left-color:#0b57d0}
.tag{display:inline-block;font-size:.8em;font-weight:700;padding:0 .45em;border-radius:3px;color:#fff;background:#6b6f76;margin-right:.4em}
.tag-critical{background:#c62828}
.tag-warning{background:#f08c00;color:#1b1b1b}
.tag-info{background:#0b57d0}
ul.ev{margin:.2em 0;padding-left:1.3em}
ul.ev li{overflow-wrap:anywhere;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.88em}
ul.ev li.decisive{font-weight:700}
details summary{cursor:pointer;color:#0b57d0}
table{border-collapse:collapse;background:#fff;font-size:.92em}
caption{caption-side:top;text-align:left;padding:.2em 0;color:#555}
th,td{border:1px solid #d8dbe0;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#eceef1}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.cpus{max-width:24em;overflow-wrap:anywhere}
.ok{color:#1d7a35}.na{color:#c62828}
nav ul,footer{color:#555}
`;

/**
 * A strict policy for a page whose only stylesheet is `css`: nothing may load, only that stylesheet applies (by
 * its hash). A page with more CSS (the fleet page) serves the policy of its own stylesheet.
 */
export function cspFor(css: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
    // The empty data: icon keeps browsers from asking for /favicon.ico.
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const PAGE_CSP = cspFor(PAGE_CSS);

const STATUS_WORD: Record<Status, string> = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };
const KIND = { 'xen-dom0': 'Xen dom0', 'xen-guest': 'Xen guest', 'vm-guest': 'VM guest', 'bare-metal': 'bare metal', unknown: 'unknown platform' } as const;

/** The verdict banner: the status in its colour, the verdict line, which host, when. */
export function verdictBanner(report: Report | null, ageMs: number | null): string {
  if (!report) {
    return `<header class="banner status-unknown" id="verdict"><h1>UNKNOWN: no probe has completed yet.</h1></header>`;
  }
  const p = report.platform;
  const platform = `${KIND[p.kind] ?? p.kind}${p.hypervisor ? ` (hypervisor ${p.hypervisor}${p.xenVersion ? ` ${p.xenVersion}` : ''}${p.guestType ? `, ${p.guestType}` : ''})` : ''}`;
  const status: Status = report.status in STATUS_WORD ? report.status : 'unknown';
  return `<header class="banner status-${status}" id="verdict">
<h1>${withCode(report.verdict)}</h1>
<p>Host <b>${report.host?.name ? esc(report.host.name) : '(no host name)'}</b> · ${esc(platform)} · probed ${esc(formatProbeTime(report.generatedAt))}${ageMs === null ? '' : ` (<span id="probe-age">${esc(describeAge(ageMs))}</span>)`}</p>
</header>`;
}

/** One finding: severity, id, summary, the decisive evidence first (the rest folded), remedy, runbook. */
export function findingCard(f: Finding, runbooks: string): string {
  const item = (e: string, i: number) => `<li${i === 0 ? ' class="decisive"' : ''}>${esc(e)}</li>`;
  const shown = f.evidence.length <= EVIDENCE_SHOWN + 1 ? f.evidence : f.evidence.slice(0, EVIDENCE_SHOWN);
  const rest = f.evidence.slice(shown.length);
  const section = (RUNBOOK_SECTION as Record<string, string | null | undefined>)[f.id] ?? null;
  const sev = ['info', 'warning', 'critical'].includes(f.severity) ? f.severity : 'info';
  return `<section class="card sev-${sev}" id="finding-${esc(f.id)}">
<h3><span class="tag tag-${sev}">${esc(f.severity.toUpperCase())}</span><code>${esc(f.id)}</code> ${esc(f.summary)}</h3>
${shown.length ? `<ul class="ev">${shown.map(item).join('')}</ul>` : ''}
${rest.length ? `<details><summary>${rest.length} more evidence line${rest.length === 1 ? '' : 's'}</summary><ul class="ev">${rest.map((e, i) => item(e, i + shown.length)).join('')}</ul></details>` : ''}
<p><b>Remedy:</b> ${withCode(f.remedy)}</p>
${section ? `<p><a href="${esc(runbookUrl(runbooks, section))}" rel="noreferrer">Runbook: ${esc(section)}</a></p>` : ''}
</section>`;
}

/** The CPUs grouped as the text report groups them; current frequency and busy share as each group's range. */
export function cpuSummary(report: Report): string {
  if (!report.cpus.length) return '';
  const groups = groupCpus(report.cpus);
  const rows = groups.map((g) => {
    const c = groupCells(g);
    return `<tr><td class="cpus mono">${esc(formatCpuList(g.cpus)).replace(/,/g, ',<wbr>')}</td><td>${c.online}</td><td>${esc(c.source)}</td><td>${esc(c.driver)}</td><td>${esc(c.governor)}</td>`
      + `<td class="num">${c.min}</td><td class="num">${c.max}</td><td class="num">${c.scalingMax}</td><td class="num">${c.pstates}</td><td class="num">${c.cur}</td><td class="num">${c.busy}</td></tr>`;
  });
  return `<table id="cpus">
<caption>${report.cpus.length} CPU${report.cpus.length === 1 ? '' : 's'} in ${groups.length} group${groups.length === 1 ? '' : 's'}; frequencies in MHz; current and busy span each group's CPUs</caption>
<thead><tr><th>CPUs</th><th>online</th><th>source</th><th>driver</th><th>governor</th><th>min</th><th>max</th><th>scaling max</th><th>P-states usable/total</th><th>current</th><th>busy</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function sourcesList(report: Report): string {
  const bad = report.sources.filter((s) => !s.ok).length;
  const items = report.sources.map((s) => `<li><span class="${s.ok ? 'ok' : 'na'}">${s.ok ? 'ok' : 'n/a'}</span> <code>${esc(s.source)}</code>: ${esc(s.detail)}</li>`);
  return `<details><summary>Sources: ${report.sources.length - bad} answered, ${bad} did not</summary><ul>${items.join('')}</ul></details>`;
}

/** The document around a body: the stylesheet its CSP allows (`cspFor(css)`), an empty icon, nothing else to fetch. */
export function pageShell(title: string, body: string, css: string = PAGE_CSS): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" href="data:,"><style>${css}</style></head>
<body><main>
${body}
</main></body></html>
`;
}

/** The whole landing page. */
export function renderLandingPage(report: Report | null, ageMs: number | null, links: PageLinks): string {
  const title = report ? `${STATUS_WORD[report.status] ?? 'UNKNOWN'} · ${report.host?.name ?? 'xen-pm-exporter'}` : 'xen-pm-exporter';
  const findings = report
    ? report.findings.length ? report.findings.map((f) => findingCard(f, links.runbooks)).join('\n') : '<p>No findings.</p>'
    : '';
  const body = `${verdictBanner(report, ageMs)}
${report ? `<h2>Findings</h2>\n${findings}` : ''}
${report?.cpus.length ? `<h2>CPUs</h2>\n${cpuSummary(report)}` : ''}
${report ? `<h2>Where this comes from</h2>\n${sourcesList(report)}` : ''}
<nav><h2>Endpoints</h2><ul>
<li><a href="${esc(links.metrics)}">Metrics</a></li>
<li><a href="${esc(links.health)}">Health report (JSON)</a> · <a href="${esc(links.health)}?format=text">as text</a></li>
<li><a href="${esc(links.healthz)}">Daemon liveness</a></li>
<li><a href="${esc(links.runbooks)}" rel="noreferrer">Runbooks</a></li>
</ul></nav>
<footer><p>xen-pm-exporter ${esc(VERSION)}: CPU power management on Xen dom0 hosts — is Xen scaling frequency, and if not, why.</p></footer>`;
  return pageShell(title, body);
}
