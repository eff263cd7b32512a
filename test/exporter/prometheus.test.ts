import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers.js';
import { waitFor } from '../net.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { query, startPrometheus, type PrometheusServer } from '../ops/prometheus-server.js';

/** A real Prometheus (Debian package `prometheus`) on loopback scrapes the real daemon. */
let prom: PrometheusServer | null = null;
let promUrl = '';
let promLogs: string[] = [];
let daemon: Daemon;

beforeAll(async () => {
  daemon = await startDaemon(['--root', path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor'), '--probe.interval', '1s']);
  await waitHealthy(daemon);
  const p = await startPrometheus([`127.0.0.1:${daemon.port}`]);
  prom = p;
  promUrl = p.url;
  promLogs = p.logs;
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await daemon?.stop();
});

describe('a real Prometheus scraping the daemon', () => {
  it('scrapes it successfully and stores the xen_pm_ series and the active finding', async () => {
    await waitFor(async () => (await query(promUrl, 'up{job="xen-pm"} == 1')).length === 1, 30_000, () => promLogs.join(''));
    const names = await fetch(`${promUrl}/api/v1/label/__name__/values`).then((r) => r.json() as Promise<{ data: string[] }>);
    const ours = names.data.filter((n) => n.startsWith('xen_pm_'));
    expect(ours).toEqual(expect.arrayContaining(['xen_pm_finding', 'xen_pm_pstate_handoff', 'xen_pm_probe_success', 'xen_pm_cstate_residency_seconds_total', 'xen_pm_last_probe_timestamp_seconds']));
    const active = await query(promUrl, 'xen_pm_finding == 1');
    expect(active.map((s) => s.metric['id']).sort()).toEqual(['CSTATES_LIMITED', 'XEN_ACPI_PROCESSOR_NOT_LOADED', 'XEN_PSTATE_HANDOFF_MISSING']);
    const handoff = await query(promUrl, 'xen_pm_pstate_handoff == 1');
    expect(handoff.map((s) => s.metric['state'])).toEqual(['no']);
    const scrapeSamples = await query(promUrl, 'scrape_samples_scraped{job="xen-pm"}');
    expect(Number(scrapeSamples[0]!.value[1])).toBeGreaterThan(40);
  }, 60_000);
});
