import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHost } from '../../src/probe/open-host.js';
import { spawnCapped } from '../../src/probe/spawn-capped.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { tmpDir } from '../helpers.js';

describe('root-prefixed file access', () => {
  it('follows symlinks inside the root, refuses links escaping it and reports loops', () => {
    const root = tmpDir('root-');
    const cpu = path.join(root, 'sys/devices/system/cpu');
    fs.mkdirSync(path.join(cpu, 'cpufreq/policy0'), { recursive: true });
    fs.mkdirSync(path.join(cpu, 'cpu0'), { recursive: true });
    fs.writeFileSync(path.join(cpu, 'cpufreq/policy0/scaling_driver'), 'acpi-cpufreq\n');
    fs.symlinkSync('../cpufreq/policy0', path.join(cpu, 'cpu0/cpufreq'));
    fs.symlinkSync('/etc', path.join(root, 'escape'));
    fs.symlinkSync('/etc/hostname', path.join(cpu, 'cpu0/leak'));
    fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
    fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
    const host = openHost(root);
    expect(host.readText('sys/devices/system/cpu/cpu0/cpufreq/scaling_driver')).toEqual({ ok: true, text: 'acpi-cpufreq\n' });
    expect(host.readText('escape/hostname')).toMatchObject({ ok: false, kind: 'escape' });
    expect(host.readText('sys/devices/system/cpu/cpu0/leak')).toMatchObject({ ok: false, kind: 'escape' });
    expect(host.readText('../../../../etc/hostname')).toMatchObject({ ok: false, kind: 'missing' });
    expect(host.readText('loop-a')).toMatchObject({ ok: false, kind: 'loop' });
    expect(host.readText('nope')).toMatchObject({ ok: false, kind: 'missing' });
  });

  it('a capture with an escaping link and a loop still probes, with the failures recorded', async () => {
    const root = tmpDir('hostile-');
    fs.mkdirSync(path.join(root, 'sys/devices/system/cpu/cpu0'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sys/devices/system/cpu/online'), '0\n');
    fs.symlinkSync('/proc/self', path.join(root, 'sys/devices/system/cpu/cpufreq'));
    fs.symlinkSync('online', path.join(root, 'sys/devices/system/cpu/possible'));
    fs.symlinkSync('present', path.join(root, 'sys/devices/system/cpu/present'));
    const s = await probeHost(openHost(root));
    expect(s.cpus.online).toEqual([0]);
    expect(s.cpus.possible).toEqual([0]);
    expect(s.problems.map((p) => p.reason).join('\n')).toMatch(/outside the root/);
    expect(s.problems.map((p) => p.reason).join('\n')).toMatch(/ELOOP/);
  });
});

describe('live command runner', () => {
  const limits = { timeoutMs: 2000, maxOutputBytes: 1024 };
  it('keeps stdout and stderr apart and reports the exit code', async () => {
    const r = await spawnCapped('xl-info', ['sh', '-c', 'echo out; echo err >&2; exit 3'], limits);
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, available: true, timedOut: false });
  });
  it('never uses a shell: metacharacters reach the program verbatim', async () => {
    const r = await spawnCapped('xl-info', ['echo', 'a;', 'touch', '/tmp/should-not-exist-$$', '`id`'], limits);
    expect(r.stdout).toBe('a; touch /tmp/should-not-exist-$$ `id`\n');
  });
  it('kills a hung command and its children at the timeout', async () => {
    const r = await spawnCapped('xl-info', ['sh', '-c', 'sleep 30 & sleep 30'], { timeoutMs: 300, maxOutputBytes: 1024 });
    expect(r.timedOut).toBe(true);
    expect(r.error).toMatch(/timeout/);
    expect(r.signal).toBe('SIGKILL');
  });
  it('caps output and marks it truncated', async () => {
    const r = await spawnCapped('xl-info', ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x'], limits);
    expect(r.stdout.length).toBe(1024);
    expect(r.truncated).toBe(true);
  });
  it('a missing binary is "not found", not a crash', async () => {
    const r = await spawnCapped('xl-info', ['/nonexistent/xenpm', 'get-cpufreq-para'], limits);
    expect(r).toMatchObject({ available: false, error: '/nonexistent/xenpm: command not found' });
  });
  it('a line filter streams: only matching lines are kept, all are counted', async () => {
    const r = await spawnCapped('dmesg', ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo "line $i"; done'], { ...limits, lineFilter: (l) => l.endsWith('4') });
    expect(r.stdout).toBe('line 4\n');
    expect(r.linesSeen).toBe(6);
  });
  it('get-cpufreq-average never runs unless enabled', async () => {
    const r = await openHost('/', { xenpmPath: 'echo' }).runCommand('xenpm-get-cpufreq-average');
    expect(r.available).toBe(false);
    expect(r.error).toMatch(/resets the APERF\/MPERF averaging window/);
  });
});
