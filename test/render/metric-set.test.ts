import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Registry } from 'prom-client';
import { FIXTURES, fixtureNames } from '../helpers.js';
import { openHost } from '../../src/probe/open-host.js';
import { ProbeCycle } from '../../src/cycle/probe-cycle.js';
import { buildMetrics } from '../../src/render/metrics.js';
import { MetricSet, openMetricsOf } from '../../src/render/metric-set.js';

/**
 * The hand-written exposition is byte-for-byte what prom-client renders for the same metrics, in both
 * formats: every fixture's metric set is replayed into a prom-client registry and both texts compared.
 */
function parseLabels(rendered: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of rendered.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

async function promClientRender(set: MetricSet, openMetrics: boolean): Promise<string> {
  const reg = new Registry();
  if (openMetrics) (reg as unknown as Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const f of set.all()) {
    const entries = f.entries();
    // A family declared with labels but without samples renders empty; prom-client needs the label names for that.
    const labelNames = entries.length ? [...new Set(entries.flatMap((e) => Object.keys(parseLabels(e.labels))))] : ['cpu'];
    const m = f.type === 'gauge' ? new Gauge({ name: f.name, help: f.help, labelNames, registers: [reg] }) : new Counter({ name: f.name, help: f.help, labelNames, registers: [reg] });
    for (const e of entries) {
      const labels = parseLabels(e.labels);
      if (m instanceof Gauge) m.set(labels, e.value);
      else m.inc(labels, e.value);
    }
  }
  return reg.metrics();
}

async function metricsOf(fixture: string): Promise<MetricSet> {
  const r = await new ProbeCycle(openHost(path.join(FIXTURES, fixture))).run();
  return buildMetrics({ report: r.report, view: r.view, stuck: r.stuck, sources: [], readErrors: new Map(), probeTimestampSeconds: 1, probesTotal: 1, probesSkipped: 0 });
}

describe('exposition rendering equals prom-client', () => {
  for (const name of fixtureNames()) {
    it(name, async () => {
      const set = await metricsOf(name);
      expect(set.toText()).toBe(await promClientRender(set, false));
      expect(set.toOpenMetrics()).toBe(await promClientRender(set, true));
      expect(openMetricsOf(set.toText())).toBe(set.toOpenMetrics());
    });
  }
  it('escapes label values and HELP texts the way prom-client does, and caps the samples', async () => {
    const set = new MetricSet(3);
    set.gauge('x_info', 'a \\ help\nwith a newline').set({ v: 'quote " back \\ nl \n end' }, 1);
    const c = set.counter('y_total', 'counts');
    c.inc({ cpu: '0' }, 2);
    c.inc({ cpu: '0' }, 3);
    c.inc({ cpu: '1' }, 1);
    c.inc({ cpu: '2' }, 1);
    expect(set.dropped).toBe(1);
    expect(set.toText()).toBe(await promClientRender(set, false));
    expect(set.toOpenMetrics()).toBe(await promClientRender(set, true));
    expect(set.toText()).toMatch(/^y_total\{cpu="0"\} 5$/m);
  });
});
