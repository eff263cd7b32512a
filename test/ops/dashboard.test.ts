import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers.js';
import { advancingCapture } from '../advancing-capture.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { waitFor } from '../net.js';
import { query, startPrometheus, type PrometheusServer } from './prometheus-server.js';

interface Mapping { type: string; options: Record<string, { text: string; color: string }> & { match?: string } }
interface Panel {
  id: number;
  type: string;
  title: string;
  repeat?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string; instant?: boolean }>;
  fieldConfig?: {
    defaults: { unit?: string; mappings?: Mapping[]; thresholds?: { steps: Array<{ value: number | null; color: string }> } };
    overrides: Array<{ properties: Array<{ id: string }> }>;
  };
}
const dashboard = JSON.parse(fs.readFileSync(path.join(REPO, 'grafana/xen-pm-dashboard.json'), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ name: string; query?: { query: string } }> } };
const panel = (title: string) => dashboard.panels.find((p) => p.title === title)!;

/** Grafana's variables, as Grafana expands them for "All". */
const expand = (expr: string) => expr.replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');

/** What a stat shows for a value: the value mapping's text and colour, else the threshold colour. */
function display(p: Panel, value: number): { text: string; color: string } {
  const d = p.fieldConfig!.defaults;
  for (const m of d.mappings ?? []) if (m.type === 'value' && m.options[String(value)]) return m.options[String(value)]!;
  const step = [...d.thresholds!.steps].reverse().find((s) => s.value === null || value >= s.value)!;
  return { text: String(value), color: step.color };
}

let prom: PrometheusServer;
const daemons: Daemon[] = [];
const cap = advancingCapture('free-busy');
const addr = (d: Daemon) => `127.0.0.1:${d.port}`;

beforeAll(async () => {
  // A critical dom0 (no hand-off), an ok dom0, and a warning dom0 whose counters advance (rates).
  for (const root of [path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor'), path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'), cap.dir]) {
    const d = await startDaemon(['--root', root, '--probe.interval', '1s', '--probe.stuck-window', '2s']);
    daemons.push(d);
    await waitHealthy(d);
  }
  prom = await startPrometheus(daemons.map(addr), [path.join(REPO, 'prometheus/xen-pm.rules.yml')]);
  // rate() needs two scrapes; the recording rules need an evaluation after that.
  await waitFor(async () => (await query(prom.url, 'xen_pm:effective_to_max_frequency:ratio')).length > 0, 60_000, () => prom.logs.join(''));
  await waitFor(async () => (await query(prom.url, 'rate(xen_pm_pstate_residency_seconds_total[1m]) > 0')).length > 0, 60_000, () => prom.logs.join(''));
}, 150_000);

afterAll(async () => {
  cap.stop();
  await prom?.stop();
  await Promise.all(daemons.map((d) => d.stop()));
});

describe('Grafana dashboard against a real Prometheus that scraped three daemons', () => {
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('has a fleet row and a per-host row repeated for each instance, with the panels operators need', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row');
    expect(rows.map((r) => [r.title, r.repeat])).toEqual([['Fleet', undefined], ['Host $instance', 'instance']]);
    expect(dashboard.panels.map((p) => p.title)).toEqual(expect.arrayContaining([
      'Critical', 'Without hand-off', 'Hosts not OK', 'Verdict', 'P-state hand-off', 'Findings', 'Effective frequency against P0 and turbo',
      'P-state residency', 'C-state residency',
    ]));
    expect(panel('P-state residency').type).toBe('heatmap');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance']);
  });

  it('every stat has thresholds and value mappings; no panel mixes units on an axis', () => {
    for (const p of dashboard.panels.filter((x) => x.type === 'stat')) {
      expect(p.fieldConfig!.defaults.thresholds!.steps.length, p.title).toBeGreaterThan(0);
      expect(p.fieldConfig!.defaults.mappings!.length, p.title).toBeGreaterThan(0);
    }
    for (const p of dashboard.panels.filter((x) => x.type === 'timeseries')) {
      expect(p.fieldConfig!.defaults.unit, p.title).toBeTruthy();
      expect(p.fieldConfig!.overrides.flatMap((o) => o.properties.map((pr) => pr.id)), p.title).not.toContain('unit');
    }
    const freq = panel('Effective frequency against P0 and turbo');
    expect(freq.fieldConfig!.defaults.unit).toBe('hertz');
    expect(freq.targets!.map((t) => t.expr).join('\n')).toMatch(/xen_pm_frequency_reference_hertz\{[^}]*kind="max-non-turbo"/);
    expect(freq.targets!.map((t) => t.expr).join('\n')).toMatch(/xen_pm_frequency_reference_hertz\{[^}]*kind="turbo-entry"/);
  });

  it('panels do not overlap', () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
        expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
  });

  it('every expression evaluates without error and returns data', async () => {
    const empty: string[] = [];
    for (const { panel: title, expr } of exprs) {
      // A scrape of a busy machine can miss a window: give each query a few seconds to have data.
      const until = Date.now() + 15_000;
      let res = await query(prom.url, expand(expr)); // throws on any query error
      while (!res.length && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 500));
        res = await query(prom.url, expand(expr));
      }
      if (!res.length) empty.push(`${title}: ${expr}`);
    }
    expect(empty).toEqual([]);
  }, 120_000);

  it('turns red for the critical host, orange for the warning one, green for the ok one', async () => {
    const verdict = panel('Verdict');
    const handoff = panel('P-state hand-off');
    const byInstance = async (p: Panel) => new Map((await query(prom.url, expand(p.targets![0]!.expr))).map((s) => [s.metric['instance'], display(p, Number(s.value[1]))]));
    const v = await byInstance(verdict);
    expect(v.get(addr(daemons[0]!))).toMatchObject({ text: 'critical', color: 'red' });
    expect(v.get(addr(daemons[1]!))).toMatchObject({ text: 'ok', color: 'green' });
    expect(v.get(addr(daemons[2]!))).toMatchObject({ text: 'warning', color: 'orange' });
    const h = await byInstance(handoff);
    expect(h.get(addr(daemons[0]!))).toMatchObject({ text: 'no', color: 'red' });
    expect(h.get(addr(daemons[1]!))).toMatchObject({ text: 'yes', color: 'green' });
    // The fleet row: one critical host, one without hand-off — both red.
    for (const title of ['Critical', 'Without hand-off']) {
      const [s] = await query(prom.url, expand(panel(title).targets![0]!.expr));
      expect(Number(s!.value[1]), title).toBe(1);
      expect(display(panel(title), 1).color, title).toBe('red');
      expect(display(panel(title), 0).color, title).toBe('green');
    }
  });

  it('the instance variable finds every daemon', async () => {
    const def = dashboard.templating.list[1]!.query!.query;
    const m = /^label_values\((.+), instance\)$/.exec(def)!;
    const r = await fetch(`${prom.url}/api/v1/label/instance/values?match[]=${encodeURIComponent(m[1]!)}`).then((x) => x.json() as Promise<{ data: string[] }>);
    expect(r.data.sort()).toEqual(daemons.map(addr).sort());
  });
});
