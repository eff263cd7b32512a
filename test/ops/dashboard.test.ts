import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { advancingCapture } from '../advancing-capture.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { waitFor } from '../net.js';
import { query, startPrometheus } from '../prometheus.js';

interface Panel { title: string; targets: Array<{ expr: string }> }
const dashboard = JSON.parse(fs.readFileSync(path.join(REPO, 'grafana/xen-pm-dashboard.json'), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ name: string; definition?: string }> } };

/** Grafana's variables, as Grafana would expand them for "All". */
const expand = (expr: string) => expr.replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');

let daemon: Daemon;
const cap = advancingCapture('free-busy');
let prom: { proc: ChildProcess; url: string };

beforeAll(async () => {
  daemon = await startDaemon(['--root', cap.dir, '--probe.interval', '1s', '--probe.stuck-window', '2s']);
  await waitHealthy(daemon);
  prom = await startPrometheus([`127.0.0.1:${daemon.port}`], `rule_files: ['${path.join(REPO, 'prometheus/xen-pm.rules.yml')}']\n`);
  // rate() needs two scrapes; the recording rules need one evaluation after that.
  await waitFor(async () => (await query(prom.url, 'xen_pm:effective_to_max_frequency:ratio')).length > 0, 40_000);
  await waitFor(async () => (await query(prom.url, 'rate(xen_pm_cstate_residency_seconds_total[1m])')).length > 0, 40_000);
}, 90_000);

afterAll(async () => {
  cap.stop();
  prom?.proc.kill('SIGTERM');
  await daemon?.stop();
});

describe('Grafana dashboard against a real Prometheus that scraped the daemon', () => {
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
  it('has the panels the operators need', () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual(expect.arrayContaining(['Verdict', 'P-state hand-off', 'Active findings', 'CPU frequency / hardware maximum', 'P-state residency share', 'C-state residency share', 'Effective frequency against P0 and turbo', 'Probe health']));
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance']);
  });
  it('every expression evaluates without error and returns data', async () => {
    const empty: string[] = [];
    for (const { panel, expr } of exprs) {
      const res = await query(prom.url, expand(expr)); // throws on any query error
      if (!res.length) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
  it('the instance variable query finds the daemon', async () => {
    const res = await query(prom.url, 'xen_pm_platform_info');
    expect(res.map((r) => r.metric['instance'])).toEqual([`127.0.0.1:${daemon.port}`]);
  });
});
