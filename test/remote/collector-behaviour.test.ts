import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIXTURES, tmpDir } from '../helpers.js';
import { decodeStream } from '../../src/remote/stream-decoder.js';
import { StreamHost } from '../../src/remote/stream-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { fakeTools, runCollector, SHELLS } from './collector-harness.js';

const FX = path.join(FIXTURES, 'qemu-xen-4.17-pinned-under-load');
const decode = (b: Buffer) => {
  const d = decodeStream(b);
  if (!d.ok) throw new Error(`refused: line ${d.line}: ${d.reason}`);
  return d.capture;
};

describe.each(['dash', 'busybox'] as const)('the collector under %s', (shell) => {
  it('kills a hanging xenpm at its timeout, says so, and leaves no process behind', async () => {
    const bin = fakeTools(FX, { xenpm: '#!/bin/sh\nexec sleep 300\n' });
    const run = await runCollector(shell, ['--root', FX, '--command-timeout', '1'], { bin });
    expect(run.code).toBe(0);
    expect(run.leftBehind).toBe(false);
    const c = decode(run.stdout);
    expect(c.commands.get('xenpm-get-cpufreq-para')![0]!.status).toEqual({ kind: 'timeout' });
    expect(c.commands.get('xl-info')![0]!.status).toEqual({ kind: 'exit', code: 0 });
    const report = diagnose(await probeHost(new StreamHost('t', c)));
    expect(report.findings.map((f) => f.id)).toContain('PROBE_FAILED');
  });

  it('stops at its deadline with what it has and says it is incomplete', async () => {
    const bin = fakeTools(FX, { xenpm: '#!/bin/sh\nexec sleep 300\n', xl: '#!/bin/sh\nexec sleep 300\n' });
    const run = await runCollector(shell, ['--root', FX, '--command-timeout', '2', '--deadline', '3'], { bin });
    expect(run.code).toBe(0);
    expect(run.leftBehind).toBe(false);
    // The deadline bounds the run: without it, six hanging commands at 2 s each take 12 s.
    expect(run.wallMs).toBeLessThan(11_000);
    const c = decode(run.stdout);
    expect(c.meta.get('incomplete')).toMatch(/deadline/);
    expect(c.files.size).toBeGreaterThan(20);
  });

  it('caps a command that prints 20 MB at 8 MiB and the decoder marks it truncated', async () => {
    const bin = fakeTools(FX, { xl: '#!/bin/sh\nyes "(XEN) garbage garbage garbage garbage garbage" | head -c 20000000\n' });
    const run = await runCollector(shell, ['--root', FX], { bin });
    const c = decode(run.stdout);
    const info = c.commands.get('xl-info')![0]!;
    expect(info.stdoutTruncated).toBe(true);
    expect(info.stdout.length).toBe(8 * 1024 * 1024);
    expect(run.stdout.length).toBeLessThan(10 * 1024 * 1024 * 2 + 1_000_000);
  });

  it('reports a FIFO where a file should be instead of hanging on it, and never writes a file', async () => {
    const root = tmpDir('fifo-root-');
    fs.cpSync(FX, root, { recursive: true, verbatimSymlinks: true });
    const fifo = path.join(root, 'proc/cmdline');
    fs.rmSync(fifo);
    execFileSync('mkfifo', [fifo]);
    const cwd = tmpDir('cwd-');
    const before = fs.readdirSync(root, { recursive: true }).length;
    const run = await runCollector(shell, ['--root', root], { bin: fakeTools(FX), cwd });
    expect(run.code).toBe(0);
    const c = decode(run.stdout);
    expect(c.errors.get('proc/cmdline')).toMatchObject({ kind: 'not-a-file' });
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.readdirSync(root, { recursive: true }).length).toBe(before);
  });

  it('ignores SSH_ORIGINAL_COMMAND and every other variable but PATH', async () => {
    const bin = fakeTools(FX);
    const plain = await runCollector(shell, ['--root', FX], { bin });
    const noisy = await runCollector(shell, ['--root', FX], { bin, env: { SSH_ORIGINAL_COMMAND: 'rm -rf /', IFS: 'x', R: '/etc', XPM_DEADLINE: '0', ENV: '/etc/passwd', LC_ALL: 'tr_TR.UTF-8', CDPATH: '/' } });
    const norm = (b: Buffer) => b.toString('latin1').replace(/^M started .*$/m, '');
    expect(norm(noisy.stdout)).toBe(norm(plain.stdout));
  });

  it('refuses unknown arguments without printing a stream', async () => {
    const run = await runCollector(shell, ['--rm', '/'], {});
    expect(run.code).toBe(2);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toMatch(/usage: xen-pm-collect/);
  });
});

describe('stdin mode', () => {
  it.each(Object.keys(SHELLS))('%s -s runs the script from stdin and gives the same stream as the file', async (shell) => {
    const bin = fakeTools(FX);
    const fromFile = await runCollector(shell, ['--root', FX], { bin });
    const fromStdin = await runCollector(shell, ['--root', FX], { bin, stdinScript: true });
    const norm = (b: Buffer) => b.toString('latin1').replace(/^M started .*$/m, '');
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(norm(fromStdin.stdout)).toBe(norm(fromFile.stdout));
  });
});
