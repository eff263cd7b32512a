import http from 'node:http';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers.js';
import { get, startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { freePort, waitFor } from '../net.js';
import { tool } from '../ops/tools.js';
import { dom0WithXenpm } from '../fault-hosts.js';
import { pino } from 'pino';
import { buildApp } from '../../src/exporter/app.js';
import { WebConfigSource } from '../../src/exporter/web-config.js';
import { Exposition } from '../../src/cycle/exposition.js';
import type { ProbeLoop } from '../../src/exporter/probe-loop.js';

/** What every Prometheus exporter does, and operators expect: runtime metrics, flags, log formats. */
const BIN = path.join(REPO, 'dist/src/main.js');
let daemon: Daemon | null = null;
afterEach(async () => { await daemon?.stop(); daemon = null; });

describe('exporter conventions', () => {
  it('process_* and nodejs_* metrics by default, gone with --web.disable-exporter-metrics; build_info has revision and branch', async () => {
    daemon = await startDaemon(['--root', path.join(FIXTURES, 'xen-dom0-ppc-capped'), '--probe.interval', '60s']);
    await waitHealthy(daemon);
    const full = await (await get(`${daemon.url}/metrics`)).text();
    expect(full).toMatch(/^process_cpu_seconds_total \d/m);
    expect(full).toMatch(/^process_resident_memory_bytes \d/m);
    expect(full).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(full).toMatch(/^xen_pm_build_info\{version="[^"]+",revision="[^"]+",branch="[^"]+",nodejs_version="v\d+[^"]*"\} 1$/m);
    const lint = spawnSync(tool('promtool'), ['check', 'metrics'], { input: full, encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    const om = await (await get(`${daemon.url}/metrics`, { headers: { accept: 'application/openmetrics-text' } })).text();
    expect(om.endsWith('# EOF\n')).toBe(true);
    await daemon.stop();
    daemon = await startDaemon(['--root', path.join(FIXTURES, 'xen-dom0-ppc-capped'), '--probe.interval', '60s', '--web.disable-exporter-metrics']);
    await waitHealthy(daemon);
    const bare = await (await get(`${daemon.url}/metrics`)).text();
    expect(bare).not.toMatch(/^(process|nodejs)_/m);
    expect(bare).toMatch(/^xen_pm_build_info/m);
  });

  it('--log.format logfmt (the default) and json: every line the daemon writes is in that format, libraries included', async () => {
    // A failing xenpm makes the daemon log warnings; a 1 s interval with slow probes makes node-cron notice missed ticks.
    const { root, xenpm, xl } = dom0WithXenpm('sleep 1.5; exit 3');
    for (const format of ['logfmt', 'json'] as const) {
      const port = await freePort();
      const proc = spawn(process.execPath, [BIN, 'serve', '--root', root, '--commands', 'live', '--xenpm.path', xenpm, '--xl.path', xl,
        '--web.listen-address', `127.0.0.1:${port}`, '--probe.interval', '1s', '--log.level', 'debug', ...(format === 'json' ? ['--log.format', 'json'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
      await waitFor(async () => /source failing|source.*failing/.test(out), 60_000, () => out + err);
      await new Promise((r) => setTimeout(r, 3000));
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      expect(err, 'nothing on stderr').toBe('');
      const lines = out.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(3);
      for (const l of lines) {
        if (format === 'json') expect(() => JSON.parse(l), l).not.toThrow();
        else expect(l, l).toMatch(/^ts=\d{4}-\d\d-\d\dT\S+Z level=(trace|debug|info|warn|error|fatal)( msg=("([^"\\]|\\.)*"|\S+))?( [\w.-]+=("([^"\\]|\\.)*"|\S*))*$/);
        expect(l).not.toMatch(/\x1b/);
      }
    }
  }, 120_000);

  it('--web.max-requests: scrapes beyond the limit in flight get 503 at once', async () => {
    // An exposition far larger than the socket buffers, and a client that does not read: its scrape stays in flight.
    const loop = { current: { report: { status: 'ok' }, exposition: new Exposition('x'.repeat(64 * 1024 * 1024), []), finishedAt: new Date() } } as unknown as ProbeLoop;
    const app = buildApp({ loop, webConfig: new WebConfigSource(null), telemetryPath: '/metrics', logger: pino({ level: 'silent' }), maxRequests: 1 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/metrics`;
    try {
      const stuck = await new Promise<http.IncomingMessage>((resolve) => http.get(url, (res) => { res.pause(); resolve(res); }));
      expect(stuck.statusCode).toBe(200);
      const second = await fetch(url);
      expect(second.status).toBe(503);
      expect(await second.text()).toMatch(/--web.max-requests=1/);
      stuck.destroy();
      await waitFor(async () => (await fetch(url, { method: 'HEAD' })).status === 200, 10_000, () => 'still refused');
    } finally {
      await app.close();
    }
  }, 120_000);

  it('--web.systemd-socket listens on the socket systemd passes (socket activation)', async () => {
    const port = await freePort();
    const proc = spawn(tool('systemd-socket-activate'), ['-l', `127.0.0.1:${port}`, process.execPath, BIN, 'serve', '--web.systemd-socket',
      '--root', path.join(FIXTURES, 'xen-dom0-ppc-capped'), '--probe.interval', '60s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      // systemd-socket-activate listens first and starts the daemon on the first connection.
      await waitFor(async () => (await get(`http://127.0.0.1:${port}/healthz`)).status === 200, 60_000, () => out);
      expect(out).toMatch(/via="systemd socket fd 3"/);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    // Without sockets from systemd the flag cannot start: exit 1, said why.
    const r = spawnSync(process.execPath, [BIN, 'serve', '--web.systemd-socket', '--root', path.join(FIXTURES, 'xen-dom0-ppc-capped')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/level=fatal msg=.*no sockets from systemd/);
  }, 120_000);
});
