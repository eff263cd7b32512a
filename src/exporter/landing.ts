import type { Report } from '../diagnosis/report.js';
import { VERSION } from '../util/version.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The `/` page: name, version, links, and today's verdict. */
export function landingPage(telemetryPath: string, report: Report | null): string {
  const verdict = report ? esc(report.verdict) : 'No probe has completed yet.';
  const findings = report?.findings.map((f) => `<li><b>${esc(f.severity.toUpperCase())}</b> <code>${esc(f.id)}</code>: ${esc(f.summary)}</li>`).join('\n') ?? '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>xen-pm-exporter</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}code{background:#eee;padding:0 .2em}</style></head>
<body>
<h1>xen-pm-exporter</h1>
<p>Version ${esc(VERSION)}. CPU power management on Xen dom0 hosts: is Xen scaling frequency, and if not, why.</p>
<p><b>${verdict}</b></p>
${findings ? `<ul>\n${findings}\n</ul>` : ''}
<ul>
<li><a href="${esc(telemetryPath)}">Metrics</a></li>
<li><a href="/health">Health report (JSON)</a> · <a href="/health?format=text">as text</a></li>
<li><a href="/healthz">Daemon liveness</a></li>
</ul>
</body></html>
`;
}
