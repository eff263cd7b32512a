import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ProbeLoop } from '../../src/exporter/probe-loop.js';
import { InProcessRunner } from '../../src/cycle/cycle-runner.js';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';
import { get, startDaemon, waitHealthy, type Daemon } from '../daemon.js';

const silent = pino({ level: 'silent' });
const fds = () => fs.readdirSync('/proc/self/fd').length;

/** A Xen dom0 root whose xenpm/xl are scripts replaying the fixture's recorded output (spawned live). */
function replayingDom0(): { root: string; xenpm: string; xl: string } {
  const root = tmpDir('replay-');
  fs.cpSync(path.join(FIXTURES, 'xen-dom0-ppc-capped'), root, { recursive: true, verbatimSymlinks: true });
  const c = path.join(root, 'commands');
  const xenpm = path.join(root, 'xenpm');
  const xl = path.join(root, 'xl');
  fs.writeFileSync(xenpm, `#!/bin/sh\nexec cat "${c}/xenpm-$1.stdout" 2>/dev/null\n`, { mode: 0o755 });
  fs.writeFileSync(xl, `#!/bin/sh\nexec cat "${c}/xl-$1.stdout" 2>/dev/null\n`, { mode: 0o755 });
  return { root, xenpm, xl };
}

describe('endurance', () => {
  // 300 probes spawning 6 commands each: a leak of even one descriptor per probe shows as hundreds.
  it('no file descriptor leaks over 300 probes that spawn xenpm and xl', async () => {
    const { root, xenpm, xl } = replayingDom0();
    const runner = new InProcessRunner({ root, settings: { xenpmPath: xenpm, xlPath: xl }, commands: 'live' }, { reuseStaticValues: true });
    const loop = new ProbeLoop({ runner, intervalMs: 1000, logger: silent });
    for (let i = 0; i < 10; i++) await loop.probeOnce();
    expect(loop.current!.report.pstates.handoff).toBe('yes');
    const before = fds();
    for (let i = 0; i < 300; i++) await loop.probeOnce();
    expect(loop.probesTotal).toBe(310);
    expect(loop.current!.report.findings.map((f) => f.id)).toContain('PSTATES_CAPPED');
    expect(fds() - before).toBeLessThanOrEqual(2);
  }, 900_000);

  it('soak: heap stays flat over 3,000 probes', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'run with --expose-gc (vitest.config.ts)').toBeTypeOf('function');
    const runner = new InProcessRunner({ root: path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'), settings: {}, commands: 'auto' }, { stuck: { windowMs: 100 }, reuseStaticValues: true });
    const loop = new ProbeLoop({ runner, intervalMs: 1000, logger: silent });
    const heap = () => { gc!(); gc!(); return process.memoryUsage().heapUsed; };
    for (let i = 0; i < 500; i++) await loop.probeOnce();
    const warm = heap();
    const samples: number[] = [];
    for (let i = 0; i < 2500; i++) {
      await loop.probeOnce();
      if (i % 500 === 499) samples.push(heap());
    }
    const growth = samples[samples.length - 1]! - warm;
    expect(growth, `heap ${warm} → ${samples.join(', ')}`).toBeLessThan(4 * 1024 * 1024);
  }, 180_000);
});

describe('load', () => {
  let daemon: Daemon | null = null;
  afterAll(async () => { await daemon?.stop(); });
  it('10,000 scrapes at concurrency 32 against a 512-CPU host while probes keep running: zero errors', async () => {
    const root = tmpDir('cpu512-');
    execFileSync(process.execPath, [path.join(REPO, 'scripts/generate-fixture.mjs'), '512', path.join(root, 'host')], { stdio: 'ignore' });
    daemon = await startDaemon(['--root', path.join(root, 'host'), '--probe.interval', '1s']);
    await waitHealthy(daemon);
    const before = (await (await get(`${daemon.url}/healthz`)).json() as { probesTotal: number }).probesTotal;
    const plain = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'bench/load.mjs'), `${daemon.url}/metrics`, '2000', '32', ''], { encoding: 'utf8' }));
    const gz = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'bench/load.mjs'), `${daemon.url}/metrics`, '8000', '32', 'gzip'], { encoding: 'utf8' }));
    const after = (await (await get(`${daemon.url}/healthz`)).json() as { probesTotal: number }).probesTotal;
    expect(plain.requests + gz.requests).toBe(10_000);
    expect(plain.errors + gz.errors).toBe(0);
    expect(after, 'probes kept running under load').toBeGreaterThan(before);
    expect(plain.bytes / plain.requests).toBeGreaterThan(1_000_000);
  }, 900_000);
});
