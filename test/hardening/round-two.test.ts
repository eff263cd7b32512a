import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, tmpDir } from '../helpers.js';
import { get, startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { copyFixture, dom0WithXenpm, healthAndMetrics, peakRssKb } from '../fault-hosts.js';
import { freePort } from '../net.js';
import { openHost } from '../../src/probe/open-host.js';
import { ProbeCycle } from '../../src/cycle/probe-cycle.js';

/**
 * The reproductions of the second adversarial pass: nothing read can hang the daemon, make it say OK on a
 * failed source, lead it outside its root, or grow it without bound; startup errors and SIGTERM end it.
 */
const BIN = path.join(REPO, 'dist/src/main.js');
let daemon: Daemon | null = null;
afterEach(async () => { await daemon?.stop(); daemon = null; });

/** `check` as a child process, bounded: a hang fails the test instead of hanging it. */
function check(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const findingIds = (json: string) => (JSON.parse(json) as { findings: Array<{ id: string }> }).findings.map((f) => f.id);

describe('nothing can hang a probe or the process', () => {
  it('a FIFO and a character device in place of captured outputs: refused, reported, check finishes', () => {
    const root = copyFixture('xen-dom0-with-xen-acpi-processor');
    const cmds = path.join(root, 'commands');
    fs.rmSync(path.join(cmds, 'dmesg.stdout'), { force: true });
    execFileSync('mkfifo', [path.join(cmds, 'dmesg.stdout')]);
    fs.rmSync(path.join(cmds, 'xl-info.stdout'), { force: true });
    execFileSync('mknod', [path.join(cmds, 'xl-info.stdout'), 'c', '1', '5']); // /dev/zero
    const r = check(['--root', root, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { status: string; findings: Array<{ id: string; evidence: string[] }> };
    expect(report.status).not.toBe('ok');
    const evidence = report.findings.flatMap((f) => f.evidence).join('\n');
    expect(evidence).toMatch(/commands\/xl-info\.stdout: not a regular file \(a character device\)/);
    expect(evidence).toMatch(/commands\/dmesg\.stdout: not a regular file \(a FIFO\)/);
  });

  it('a grandchild that leaves the process group and keeps stdout open: the result comes anyway, the leftover is killed and named', async () => {
    const { root, xenpm, xl } = dom0WithXenpm(`setsid sleep 100000 &\nexec cat "$(dirname "$0")/commands/xenpm-$1.stdout"`);
    daemon = await startDaemon(['--root', root, '--commands', 'live', '--xenpm.path', xenpm, '--xl.path', xl, '--xenpm.timeout', '60s', '--probe.interval', '60s']);
    await waitHealthy(daemon);
    const r = await healthAndMetrics(daemon);
    expect(r.evidence).toMatch(/left 1 process\(es\) holding its output open, killed: \d+ \(sleep 100000\)/);
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l === 'sleep 100000')).toEqual([]);
  });

  it('SIGTERM ends a daemon whose probe hangs, within 5 s', async () => {
    const { root, xenpm, xl } = dom0WithXenpm('exec sleep 100000');
    daemon = await startDaemon(['--root', root, '--commands', 'live', '--xenpm.path', xenpm, '--xl.path', xl, '--xenpm.timeout', '600s', '--probe.interval', '60s']);
    // The first probe is stuck for ten minutes; the HTTP side answers meanwhile.
    expect((await get(`${daemon.url}/healthz`)).status).toBe(503);
    const sent = Date.now();
    const code = await daemon.stop();
    const took = Date.now() - sent;
    daemon = null;
    expect(code).toBe(0);
    // The bound is the daemon's own deadline (4 s); this is an upper limit on a busy machine, not a speed test.
    expect(took).toBeLessThan(5_000 + 2_000);
    // The command it was waiting for went with it.
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l === 'sleep 100000')).toEqual([]);
  });

  it('startup errors end the process with exit 1 and one structured log line', async () => {
    const port = await freePort();
    const blocker = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const root = copyFixture('xen-dom0-ppc-capped');
      const cases: Array<[string[], RegExp]> = [
        [['--web.listen-address', `127.0.0.1:${port}`], /address in use/],
        [['--web.listen-address', '192.0.2.1:9863'], /address not available/],
        [['--web.telemetry-path', 'metrics'], /--web.telemetry-path/],
        [['--web.telemetry-path', '/health'], /--web.telemetry-path/],
      ];
      for (const [args, why] of cases) {
        const r = spawnSync(process.execPath, [BIN, 'serve', '--root', root, '--log.format', 'json', ...args], { encoding: 'utf8', timeout: 60_000 });
        expect(r.status, r.stdout + r.stderr).toBe(1);
        const fatal = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.level === 60);
        expect(fatal?.msg).toMatch(why);
      }
    } finally {
      blocker.kill();
    }
  });
});

describe('a failed source is never reported as OK', () => {
  it('a NUL byte appended to captured xenpm and xl outputs: probe_success 0 for each, PROBE_FAILED, never OK', async () => {
    const root = copyFixture('xen-dom0-with-xen-acpi-processor');
    for (const f of fs.readdirSync(path.join(root, 'commands')).filter((n) => /^(xenpm|xl)-.*\.stdout$/.test(n))) fs.appendFileSync(path.join(root, 'commands', f), '\0');
    daemon = await startDaemon(['--root', root, '--probe.interval', '60s']);
    await waitHealthy(daemon);
    const r = await healthAndMetrics(daemon);
    expect(r.health.status).not.toBe('ok');
    expect(r.health.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(r.evidence).toMatch(/binary data \(NUL bytes\)/);
    expect(r.metrics).toMatch(/^xen_pm_probe_success\{source="xenpm-get-cpufreq-para"\} 0$/m);
    expect(r.metrics).toMatch(/^xen_pm_probe_success\{source="xl-info"\} 0$/m);
  });

  it('only get-cpufreq-para hangs, crashes or prints NULs while the other subcommands answer', async () => {
    const cases: Array<[string, RegExp]> = [
      ['exec sleep 100000', /killed after 1000 ms timeout/],
      ['kill -SEGV $$', /killed by SIGSEGV/],
      ['printf "cpu id : 0\\000garbage"', /printed binary data/],
    ];
    for (const [misbehaviour, why] of cases) {
      const { root, xenpm, xl } = dom0WithXenpm(`[ "$1" = get-cpufreq-para ] && { ${misbehaviour}; }\nexec cat "$(dirname "$0")/commands/xenpm-$1.stdout"`);
      daemon = await startDaemon(['--root', root, '--commands', 'live', '--xenpm.path', xenpm, '--xl.path', xl, '--xenpm.timeout', '1s', '--probe.interval', '60s']);
      await waitHealthy(daemon);
      const r = await healthAndMetrics(daemon);
      expect(r.health.status, misbehaviour).not.toBe('ok');
      expect(r.evidence).toMatch(why);
      expect(r.metrics).toMatch(/^xen_pm_probe_success\{source="xenpm-get-cpufreq-para"\} 0$/m);
      expect(r.metrics).toMatch(/^xen_pm_probe_success\{source="xenpm-get-cpufreq-states"\} 1$/m);
      await daemon.stop();
      daemon = null;
    }
  });

  it('a captured output that cannot be read while its .exit exists; output cut at the size cap', () => {
    const root = copyFixture('xen-dom0-with-xen-acpi-processor');
    const para = path.join(root, 'commands/xenpm-get-cpufreq-para.stdout');
    fs.rmSync(para);
    fs.mkdirSync(para);
    fs.writeFileSync(path.join(root, 'commands/xenpm-get-cpufreq-para.exit'), '0\n');
    const states = path.join(root, 'commands/xenpm-get-cpufreq-states.stdout');
    const text = fs.readFileSync(states, 'utf8');
    fs.writeFileSync(states, text.repeat(Math.ceil((9 * 1024 * 1024) / text.length)));
    const r = JSON.parse(check(['--root', root, '--format', 'json']).stdout) as { status: string; findings: Array<{ id: string; evidence: string[] }>; sources: Array<{ source: string; ok: boolean }> };
    expect(r.status).not.toBe('ok');
    const evidence = r.findings.flatMap((f) => f.evidence).join('\n');
    expect(evidence).toMatch(/xenpm-get-cpufreq-para\.stdout: not a regular file \(a directory\)|EISDIR/);
    expect(evidence).toMatch(/output exceeded the size cap/);
    expect(r.sources.find((s) => s.source === 'xenpm-get-cpufreq-para')!.ok).toBe(false);
    expect(r.sources.find((s) => s.source === 'xenpm-get-cpufreq-states')!.ok).toBe(false);
  });

  it('a cpufreq policy that is unreadable or leads outside the root does not silently vanish', () => {
    const root = copyFixture('bare-metal-acpi-cpufreq-boost');
    const outside = tmpDir('outside-');
    fs.writeFileSync(path.join(outside, 'affected_cpus'), '1\n');
    fs.writeFileSync(path.join(outside, 'scaling_driver'), 'SECRET-OUTSIDE\n');
    const pol = path.join(root, 'sys/devices/system/cpu/cpufreq/policy1');
    fs.rmSync(pol, { recursive: true });
    fs.symlinkSync(outside, pol);
    const out = check(['--root', root, '--format', 'json']).stdout;
    expect(out).not.toMatch(/SECRET-OUTSIDE/);
    expect(findingIds(out)).toContain('PROBE_FAILED');
    expect(out).toMatch(/policy1: symlink leads outside the root/);
  });
});

describe('reads stay inside the root when the tree changes under the daemon', () => {
  it('a directory replaced by a link to outside after the first probe is refused, not exported', async () => {
    const root = copyFixture('bare-metal-acpi-cpufreq-boost');
    daemon = await startDaemon(['--root', root, '--probe.interval', '1s']);
    await waitHealthy(daemon);
    expect((await healthAndMetrics(daemon)).metrics).toMatch(/driver="acpi-cpufreq"/);
    const outside = tmpDir('outside-');
    fs.cpSync(path.join(root, 'sys/devices/system/cpu/cpufreq/policy0'), outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'scaling_driver'), 'SECRET-OUTSIDE\n');
    fs.writeFileSync(path.join(outside, 'scaling_governor'), 'SECRET-OUTSIDE\n');
    const pol = path.join(root, 'sys/devices/system/cpu/cpufreq/policy0');
    fs.renameSync(pol, `${pol}.old`);
    fs.symlinkSync(outside, pol);
    // Several probes later, nothing from outside has been exported and the escape is reported.
    await new Promise((r) => setTimeout(r, 4000));
    const r = await healthAndMetrics(daemon);
    expect(r.metrics).not.toMatch(/SECRET-OUTSIDE/);
    expect(JSON.stringify(r.health)).not.toMatch(/SECRET-OUTSIDE/);
    expect(r.evidence).toMatch(/outside the root/);
  }, 60_000);
});

describe('bounded memory whatever the host prints', () => {
  it('get-cpufreq-states near the 8 MB cap with absurd CPU ids: bounded series and RSS, the drop reported', async () => {
    const root = copyFixture('xen-dom0-ppc-capped');
    // Xen's format strings (print_pxstat), 50,000 CPU blocks with ids far beyond any real host.
    const block = (cpu: number) => `cpu id               : ${cpu}\ntotal P-states       : 4\nusable P-states      : 4\ncurrent frequency    : 1200 MHz\n` +
      [2401, 2400, 2000, 1200].map((f, i) => `P${i}         [${f} MHz]: transition [                   1]\n                       residency  [                  10 ms]\n`).join('') + '\n';
    const parts: string[] = [];
    let size = 0;
    for (let cpu = 0; size < 8 * 1024 * 1024 - 1024; cpu += 7) { const b = block(cpu); parts.push(b); size += b.length; }
    fs.writeFileSync(path.join(root, 'commands/xenpm-get-cpufreq-states.stdout'), parts.join(''));
    daemon = await startDaemon(['--root', root, '--probe.interval', '60s']);
    await waitHealthy(daemon);
    const r = await healthAndMetrics(daemon);
    const series = r.metrics.split('\n').filter((l) => l && !l.startsWith('#')).length;
    expect(series).toBeLessThanOrEqual(260_000);
    expect(r.evidence).toMatch(/beyond the bounds dropped/);
    expect(peakRssKb(daemon.proc.pid!), 'peak RSS, kB').toBeLessThan(400 * 1024);
  }, 120_000);

  it('the residency history stays at window resolution, whatever the interval', async () => {
    let now = 0;
    const cycle = new ProbeCycle(openHost(copyFixture('xen-dom0-ppc-capped')), { stuck: { windowMs: 300_000 }, clock: () => now });
    for (let i = 0; i < 600; i++) {
      now += 1000;
      await cycle.run();
    }
    // One and a half windows at a twentieth of a window apart, plus the newest slot and one just older.
    expect(cycle.historySize).toBeLessThanOrEqual(20 * 1.5 + 4);
    expect(cycle.historySize).toBeGreaterThanOrEqual(20);
  }, 120_000);
});

describe('scrapes never wait for a probe', () => {
  it('while a probe is under way (xenpm slow), /metrics and /health answer with the last result', async () => {
    const { root, xenpm, xl } = dom0WithXenpm(`[ -e "$(dirname "$0")/slow" ] && { sleep 8; touch "$(dirname "$0")/slow-done"; }\nexec cat "$(dirname "$0")/commands/xenpm-$1.stdout"`);
    daemon = await startDaemon(['--root', root, '--commands', 'live', '--xenpm.path', xenpm, '--xl.path', xl, '--xenpm.timeout', '60s', '--probe.interval', '1s']);
    await waitHealthy(daemon);
    fs.writeFileSync(path.join(root, 'slow'), '');
    await new Promise((r) => setTimeout(r, 2500)); // the next probe has started and is sleeping
    for (let i = 0; i < 20; i++) {
      expect((await get(`${daemon.url}/metrics`)).status).toBe(200);
      expect((await get(`${daemon.url}/health`)).status).toBe(200);
    }
    // All those answers came while the slow probe had not finished.
    expect(fs.existsSync(path.join(root, 'slow-done'))).toBe(false);
  }, 60_000);
});

describe('text output cannot drive a terminal', () => {
  it('control sequences from xenpm and the kernel log are shown escaped by check and /health?format=text', async () => {
    const root = copyFixture('xen-dom0-no-xen-acpi-processor');
    // A kernel log line the evidence quotes as it was printed.
    fs.appendFileSync(path.join(root, 'commands/dmesg.stdout'), '[    9.000000] xen_acpi_processor: (_PXX): Hypervisor error (-22) for ACPI CPU0 \x1b]0;pwned\x07\x1b[2J\u009b31m\n');
    const text = check(['--root', root]).stdout;
    expect(text).not.toMatch(/[\x1b\x07\u009b]/);
    expect(text).toMatch(/\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m/);
    const json = check(['--root', root, '--format', 'json']).stdout;
    expect(json).not.toMatch(/[\x1b\x07\u009b]/);
    daemon = await startDaemon(['--root', root, '--probe.interval', '60s']);
    await waitHealthy(daemon);
    expect(await (await get(`${daemon.url}/health?format=text`)).text()).not.toMatch(/[\x1b\x07\u009b]/);
  });
});

describe('the small ones', () => {
  it('durations: 600h overflows no timer and 0s is refused (usage errors); --root on a file is a usage error', () => {
    for (const args of [['--xenpm.timeout', '600h'], ['--xenpm.timeout', '0s'], ['--root', path.join(REPO, 'package.json')]]) {
      const r = spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(64);
    }
    expect(spawnSync(process.execPath, [BIN, 'check', '--root', copyFixture('xen-dom0-ppc-capped'), '--xenpm.timeout', '1m30s']).status).toBe(1);
  });
  it('gzip;q=0 is answered without gzip; the kernel log has a real probe duration', async () => {
    daemon = await startDaemon(['--root', copyFixture('xen-dom0-ppc-capped'), '--probe.interval', '60s']);
    await waitHealthy(daemon);
    const refused = await get(`${daemon.url}/metrics`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    const wanted = await get(`${daemon.url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    expect(wanted.headers.get('content-encoding')).toBe('gzip');
    const m = /^xen_pm_probe_duration_seconds\{source="kernel-log"\} (\S+)$/m.exec(await refused.text());
    expect(Number(m![1])).toBeGreaterThan(0);
  });
  it('usable P-states above total and 0 MHz states are implausible readings', () => {
    const root = copyFixture('xen-dom0-ppc-capped');
    const states = path.join(root, 'commands/xenpm-get-cpufreq-states.stdout');
    fs.writeFileSync(states, fs.readFileSync(states, 'utf8').replace('usable P-states      : 2', 'usable P-states      : 9').replace(/\[1200 MHz\]/, '[   0 MHz]'));
    const r = JSON.parse(check(['--root', root, '--format', 'json']).stdout) as { findings: Array<{ id: string; evidence: string[] }> };
    const f = r.findings.find((x) => x.id === 'IMPLAUSIBLE_READING');
    expect(f, JSON.stringify(r.findings)).toBeDefined();
    expect(f!.evidence.join('\n')).toMatch(/usable P-states 9 of 4/);
    expect(f!.evidence.join('\n')).toMatch(/P3 = 0 MHz/);
  });
});
