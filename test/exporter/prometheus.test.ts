import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, tmpDir } from '../helpers.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { freePort, waitFor } from '../net.js';

/** A real Prometheus (Debian package `prometheus`) on loopback scrapes the real daemon. */
let prom: ChildProcess | null = null;
let promUrl = '';
let daemon: Daemon;
const promLogs: string[] = [];

export async function startPrometheus(targets: string[], extraConfig = ''): Promise<{ proc: ChildProcess; url: string; dir: string }> {
  const dir = tmpDir('prom-');
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${extraConfig}scrape_configs:\n  - job_name: xen-pm\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`);
  const proc = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.on('error', (e) => promLogs.push(`spawn failed: ${e.message} — install the Debian package prometheus (.ci/run does)`));
  proc.stderr!.on('data', (c: Buffer) => promLogs.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/-/ready`)).status === 200, 30_000, () => promLogs.join(''));
  return { proc, url, dir };
}

export async function query(url: string, q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success') throw new Error(`query ${q} failed: ${body.error}`);
  return body.data.result;
}

beforeAll(async () => {
  daemon = await startDaemon(['--root', path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor'), '--probe.interval', '1s']);
  await waitHealthy(daemon);
  const p = await startPrometheus([`127.0.0.1:${daemon.port}`]);
  prom = p.proc;
  promUrl = p.url;
}, 60_000);

afterAll(async () => {
  prom?.kill('SIGTERM');
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
