import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, tmpDir } from '../helpers.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { dom0WithXenpm, healthAndMetrics, peakRssKb } from '../fault-hosts.js';

/**
 * Faults against the running daemon: it must stay up, keep answering scrapes, and say what failed
 * as a finding and a metric, not only in its log.
 */
let daemon: Daemon | null = null;
afterEach(async () => { await daemon?.stop(); daemon = null; });

/**
 * The daemon with a misbehaving xenpm. The timeout is short only where the timeout is what is tested: on a
 * busy machine, 20 MB of output can take longer than half a second to arrive.
 */
async function runWith(script: string, timeout = '60s') {
  const { root, xenpm, xl } = dom0WithXenpm(script);
  daemon = await startDaemon(['--root', root, '--commands', 'live', '--xenpm.path', xenpm, '--xl.path', xl, '--xenpm.timeout', timeout, '--probe.interval', '1s']);
  await waitHealthy(daemon);
  return healthAndMetrics(daemon);
}

describe('xenpm misbehaving', () => {
  it('hangs: killed at its timeout (children too), PROBE_FAILED and probe_success 0, scrapes keep answering', async () => {
    const r = await runWith('sleep 300', '500ms');
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(r.evidence).toMatch(/killed after 500 ms timeout/);
    expect(r.metrics).toMatch(/^xen_pm_probe_success\{source="xenpm-get-cpufreq-para"\} 0$/m);
    // Scrapes answer while probes keep timing out in the background.
    for (let i = 0; i < 20; i++) expect((await fetch(`${daemon!.url}/metrics`)).status).toBe(200);
    await new Promise((res) => setTimeout(res, 1500));
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('sleep 300'));
    expect(left.length, 'no orphaned children beyond the probe in flight').toBeLessThanOrEqual(4);
  });
  it('crashes (SIGSEGV): reported as killed by the signal', async () => {
    const r = await runWith('kill -SEGV $$');
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(r.evidence).toMatch(/killed by SIGSEGV/);
  });
  it('prints 20 MB of text garbage: capped at 8 MB, PROBE_FAILED, memory bounded', async () => {
    const r = await runWith('yes "this is not what xenpm prints at all" | head -c 20000000');
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(r.evidence).toMatch(/output exceeded the size cap/);
    const hwm = peakRssKb(daemon!.proc.pid!);
    expect(hwm, `peak RSS ${hwm} kB`).toBeLessThan(400 * 1024);
  });
  it('exits non-zero with an unknown message: PROBE_FAILED quoting it', async () => {
    const r = await runWith('echo "something broke" >&2; exit 3');
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(r.evidence).toMatch(/something broke/);
  });
  it('prints 10 MB of garbage: capped, PROBE_FAILED, the daemon stays small', async () => {
    const r = await runWith('head -c 10000000 /dev/urandom');
    expect(r.health.findings.map((f) => f.id), JSON.stringify(r.health.findings).slice(0, 3000)).toContain('PROBE_FAILED');
    const hwm = peakRssKb(daemon!.proc.pid!);
    expect(hwm, `peak RSS ${hwm} kB`).toBeLessThan(250 * 1024);
    expect(r.evidence).toMatch(/printed binary data/);
  });
  it('is missing: XEN_TOOLS_UNAVAILABLE in a dom0, not a crash', async () => {
    const { root } = dom0WithXenpm('exit 0');
    daemon = await startDaemon(['--root', root, '--commands', 'live', '--xenpm.path', '/nonexistent/xenpm', '--xl.path', '/nonexistent/xl']);
    await waitHealthy(daemon);
    const r = await healthAndMetrics(daemon);
    expect(r.health.findings.map((f) => f.id)).toContain('XEN_TOOLS_UNAVAILABLE');
    expect(r.evidence).toMatch(/\/nonexistent\/xenpm: command not found/);
    expect(r.health.status).toBe('warning');
  });
});

describe('hostile host roots', () => {
  it('a 500 MB kernel log is streamed: bounded memory, the line at its very end still found', async () => {
    const root = tmpDir('biglog-');
    fs.cpSync(path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'), root, { recursive: true, verbatimSymlinks: true });
    const log = path.join(root, 'commands/dmesg.stdout');
    const noise = Buffer.from(Array.from({ length: 8192 }, (_, i) => `[ ${String(i).padStart(8)}.000000] usb 1-1: noise line number ${i} of a very chatty kernel\n`).join(''));
    const fd = fs.openSync(log, 'w');
    let written = 0;
    while (written < 500 * 1024 * 1024) written += fs.writeSync(fd, noise);
    fs.writeSync(fd, '[99999.000000] xen_acpi_processor: (_PXX): Hypervisor error (-22) for ACPI CPU0\n');
    fs.closeSync(fd);
    daemon = await startDaemon(['--root', root, '--probe.interval', '60s']);
    await waitHealthy(daemon);
    const r = await healthAndMetrics(daemon);
    expect(r.evidence).toMatch(/Hypervisor error \(-22\) for ACPI CPU0/);
    const hwm = peakRssKb(daemon.proc.pid!);
    expect(hwm, `peak RSS ${hwm} kB`).toBeLessThan(300 * 1024);
    fs.rmSync(log);
  }, 120_000);

  it('EACCES, a FIFO, escaping links and loops: recorded, reported, never fatal', async () => {
    const root = tmpDir('hostile-');
    fs.cpSync(path.join(FIXTURES, 'bare-metal-acpi-cpufreq-boost'), root, { recursive: true, verbatimSymlinks: true });
    const pol = path.join(root, 'sys/devices/system/cpu/cpufreq');
    fs.rmSync(path.join(pol, 'policy1/scaling_governor'));
    execFileSync('mkfifo', [path.join(pol, 'policy1/scaling_governor')]);
    fs.chmodSync(path.join(pol, 'policy2/scaling_driver'), 0o000);
    fs.rmSync(path.join(pol, 'policy3/stats'), { recursive: true });
    fs.symlinkSync('/proc/self/root/etc', path.join(pol, 'policy3/stats'));
    fs.symlinkSync('loop', path.join(root, 'sys/devices/system/cpu/cpu0/topology/loop'));
    fs.rmSync(path.join(root, 'sys/devices/system/cpu/cpu0/topology/core_id'));
    fs.symlinkSync('core_id', path.join(root, 'sys/devices/system/cpu/cpu0/topology/core_id'));
    // Run as nobody so that file permissions apply (root ignores them).
    fs.chmodSync(root, 0o755);
    for (let d = root; d !== path.dirname(d); d = path.dirname(d)) { try { fs.chmodSync(d, fs.statSync(d).mode | 0o005); } catch { /* not ours */ } }
    execFileSync('chmod', ['-R', 'o+rX', root]);
    fs.chmodSync(path.join(pol, 'policy2/scaling_driver'), 0o000);
    daemon = await startDaemon(['--root', root, '--probe.interval', '60s'], 'http', { uid: 65534, gid: 65534 });
    await waitHealthy(daemon);
    const r = await healthAndMetrics(daemon);
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(r.evidence).toMatch(/policy1\/scaling_governor: not a regular file \(a FIFO\)/);
    expect(r.evidence).toMatch(/policy2\/scaling_driver: EACCES/);
    expect(r.evidence).toMatch(/core_id: ELOOP/);
    expect(r.metrics).toMatch(/^xen_pm_probe_read_errors\{source="cpufreq"\} [1-9]/m);
    // The other CPUs keep their data.
    expect(r.metrics).toMatch(/^xen_pm_cpu_frequency_hertz\{cpu="0",source="kernel"\} 3401000000$/m);
  });
});
