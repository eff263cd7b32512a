import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildApp } from '../../src/exporter/app.js';
import { ProbeLoop } from '../../src/exporter/probe-loop.js';
import { WebConfigSource } from '../../src/exporter/web-config.js';
import { InProcessRunner } from '../../src/cycle/cycle-runner.js';
import { FIXTURES } from '../helpers.js';
import { parseListenAddress } from '../../src/exporter/listen-address.js';

async function appFor(fixture: string, probe = true) {
  const loop = new ProbeLoop({ runner: new InProcessRunner({ root: path.join(FIXTURES, fixture), settings: {}, commands: 'auto' }), intervalMs: 15_000, logger: pino({ level: 'silent' }) });
  if (probe) await loop.probeOnce();
  return { loop, app: buildApp({ loop, webConfig: new WebConfigSource(null), telemetryPath: '/metrics', logger: pino({ level: 'silent' }) }) };
}

describe('HTTP endpoints', () => {
  it('/health answers 503 with XEN_PSTATE_HANDOFF_MISSING when the hand-off is missing', async () => {
    const { app } = await appFor('xen-dom0-no-xen-acpi-processor');
    const r = await app.inject('/health');
    expect(r.statusCode).toBe(503);
    expect(r.json().findings.map((f: { id: string }) => f.id)).toContain('XEN_PSTATE_HANDOFF_MISSING');
    expect(r.json().pstates.handoff).toBe('no');
  });
  it('/health answers 200 on a healthy dom0 and on a warning', async () => {
    expect((await (await appFor('xen-dom0-with-xen-acpi-processor')).app.inject('/health')).statusCode).toBe(200);
    expect((await (await appFor('xen-dom0-cpufreq-none')).app.inject('/health')).statusCode).toBe(200);
  });
  it('/health as text, by query or by Accept', async () => {
    const { app } = await appFor('xen-dom0-no-xen-acpi-processor');
    const a = await app.inject('/health?format=text');
    expect(a.headers['content-type']).toMatch(/^text\/plain/);
    expect(a.body.split('\n')[0]).toMatch(/^CRITICAL: Xen dom0 — XEN_PSTATE_HANDOFF_MISSING/);
    const b = await app.inject({ url: '/health', headers: { accept: 'text/plain' } });
    expect(b.body).toBe(a.body);
  });
  it('before the first probe: /metrics and /health 503, /healthz 503', async () => {
    const { app } = await appFor('xen-dom0-with-xen-acpi-processor', false);
    expect((await app.inject('/metrics')).statusCode).toBe(503);
    expect((await app.inject('/health')).statusCode).toBe(503);
    expect((await app.inject('/healthz')).statusCode).toBe(503);
  });
  it('/healthz is 200 after a probe; the landing page shows the verdict and links', async () => {
    const { app } = await appFor('xen-dom0-ppc-capped');
    expect((await app.inject('/healthz')).json()).toMatchObject({ status: 'ok', probesTotal: 1 });
    const home = await app.inject('/');
    expect(home.headers['content-type']).toMatch(/text\/html/);
    expect(home.body).toContain('WARNING: Xen dom0 — PSTATES_CAPPED');
    expect(home.body).toContain('href="/metrics"');
    // Nothing may load; the one inline stylesheet runs by its hash (the browser test checks it is obeyed).
    expect(home.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:/);
    expect(home.headers['referrer-policy']).toBe('no-referrer');
  });
  it('OpenMetrics when the Accept header asks for it', async () => {
    const { app } = await appFor('xen-dom0-with-xen-acpi-processor');
    const r = await app.inject({ url: '/metrics', headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(r.headers['content-type']).toMatch(/^application\/openmetrics-text/);
    expect(r.body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(r.body).toMatch(/^xen_pm_pstate_residency_seconds_total\{cpu="0",state="P0",frequency_hertz="3401000000"\} 912\.345$/m);
  });
  it('gzip when asked, the same text inside', async () => {
    const { app } = await appFor('xen-dom0-with-xen-acpi-processor');
    const plain = await app.inject('/metrics');
    const gz = await app.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect((await import('node:zlib')).gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
  it('probes never overlap: a second call while one runs is counted as skipped', async () => {
    const { loop } = await appFor('xen-dom0-with-xen-acpi-processor', false);
    const [a, b] = await Promise.all([loop.probeOnce(), loop.probeOnce()]);
    expect([a, b]).toEqual([true, false]);
    expect(loop.probesSkipped).toBe(1);
    expect(loop.probesTotal).toBe(1);
  });
  it('listen addresses in the exporter convention', () => {
    expect(parseListenAddress(':9863')).toEqual({ host: '::', port: 9863 });
    expect(parseListenAddress('127.0.0.1:1')).toEqual({ host: '127.0.0.1', port: 1 });
    expect(parseListenAddress('[::1]:9863')).toEqual({ host: '::1', port: 9863 });
    expect(() => parseListenAddress('9863')).toThrow(/host\]:port/);
  });
});
