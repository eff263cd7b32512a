import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_CSP, PAGE_CSS, cpuSummary, esc, renderLandingPage } from '../../src/render/landing-page.js';
import { RUNBOOKS_URL, RUNBOOK_SECTION, runbookUrl } from '../../src/render/runbook-links.js';
import { groupCpus } from '../../src/render/cpu-groups.js';
import { CATALOG } from '../../src/diagnosis/catalog.js';
import { formatCpuList } from '../../src/util/cpu-list.js';
import { FIXTURES, REPO, fixtureNames, reportFor, tmpDir } from '../helpers.js';

const LINKS = { metrics: '/metrics', health: '/health', healthz: '/healthz', runbooks: RUNBOOKS_URL };
const read = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');

describe('landing page (HTML)', () => {
  it('every fixture: each finding with its evidence, remedy and runbook link; nothing that loads; the CSS its CSP allows', async () => {
    for (const name of fixtureNames()) {
      const r = await reportFor(path.join(FIXTURES, name));
      const html = renderLandingPage(r, 3_000, LINKS);
      expect(html, name).toContain(`class="banner status-${r.status}"`);
      expect(html, name).toContain('>3 s ago</span>)');
      for (const f of r.findings) {
        expect(html, `${name} ${f.id}`).toContain(`id="finding-${f.id}"`);
        for (const e of f.evidence.slice(0, 6)) expect(html, `${name} ${f.id}`).toContain(esc(e));
        const section = RUNBOOK_SECTION[f.id];
        if (section) expect(html).toContain(`href="${runbookUrl(RUNBOOKS_URL, section)}"`);
      }
      // Nothing to fetch: no script, no external stylesheet, image, font or frame; links only.
      expect(html).not.toMatch(/<script|<link(?![^>]*rel="icon" href="data:,")|<img|<iframe|<object|@import|url\(/i);
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
      expect(style).toBe(PAGE_CSS);
      expect(PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    }
  });

  it('the CPU table groups as the text report does', async () => {
    const r = await reportFor(path.join(FIXTURES, 'xen-dom0-offline-smt-siblings'));
    const html = cpuSummary(r);
    const lists = [...html.matchAll(/<td class="cpus mono">(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<wbr>/g, ''));
    expect(lists).toEqual(groupCpus(r.cpus).map((g) => formatCpuList(g.cpus)));
    expect(lists).toEqual(['0,2,4,6', '1,3,5,7']);
  });

  it('host text is escaped, bidi overrides and controls shown, not obeyed', async () => {
    const root = tmpDir('page-');
    fs.cpSync(path.join(FIXTURES, 'kvm-guest-this-machine'), root, { recursive: true });
    fs.writeFileSync(path.join(root, 'capture.json'), JSON.stringify({ hostname: '"><script>x()</script>\u202e' }));
    const html = renderLandingPage(await reportFor(root), null, LINKS);
    expect(html).toContain('<b>&#34;&#62;&#60;script&#62;x()&#60;/script&#62;\\u202e</b>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('\u202e');
  });

  it('before the first probe: a grey banner that says so', () => {
    const html = renderLandingPage(null, null, LINKS);
    expect(html).toContain('class="banner status-unknown"');
    expect(html).toMatch(/no probe has completed yet/);
  });
});

describe('runbook links', () => {
  it('every section named exists in docs/runbooks.md', () => {
    const headings = new Set([...read('docs/runbooks.md').matchAll(/^## (\S+)$/gm)].map((m) => m[1]!));
    const named = Object.values(RUNBOOK_SECTION).filter((s): s is string => s !== null);
    expect(named.filter((s) => !headings.has(s))).toEqual([]);
    expect(Object.keys(RUNBOOK_SECTION).sort()).toEqual(Object.keys(CATALOG).sort());
  });

  it('the page links a finding to the section of the alert the mixin raises for it', () => {
    const alerts = read('mixin/alerts/alerts.libsonnet');
    const pairs = [...alerts.matchAll(/alert\(\s*'(\w+)',\s*finding\(c, '(\w+)'/g)].map((m) => [m[2]!, m[1]!]);
    expect(pairs.length).toBeGreaterThan(10);
    for (const [id, alert] of pairs) expect(RUNBOOK_SECTION[id as keyof typeof RUNBOOK_SECTION], id).toBe(alert);
  });

  it('one base address: the mixin and the packaging name the same repository', () => {
    expect(read('mixin/config.libsonnet')).toContain(`runbookURLPattern: '${RUNBOOKS_URL}#%s'`);
    expect(read('packaging/deb/control.in')).toContain(`Homepage: ${RUNBOOKS_URL.replace(/\/blob\/.*$/, '')}`);
  });
});
