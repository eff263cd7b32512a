import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';
import { compare, describeLeftovers, snapshot } from './machine-state.js';

/** The suite's own leftover detector (test/global-setup.ts) must catch what it claims to catch. */
describe('leftover detection', () => {
  const opts = (scratch: string) => ({ marker: 'XEN_PM_TEST_RUN=probe-self-test', scratch, self: process.pid });

  it('sees a detached process that carries the run marker, and forgets it once it is gone', async () => {
    const etc = tmpDir('etc-');
    const before = snapshot(etc);
    const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { ...process.env, XEN_PM_TEST_RUN: 'probe-self-test' } });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const found = compare(before, snapshot(etc), opts('/nonexistent-scratch')).processes.map((p) => p.pid);
      expect(found).toContain(child.pid);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect(compare(before, snapshot(etc), opts('/nonexistent-scratch')).processes.map((p) => p.pid)).not.toContain(child.pid);
  });

  it('sees a process whose working directory is the run scratch directory, without the marker', async () => {
    const scratch = tmpDir('scratch-');
    const before = snapshot(tmpDir('etc-'));
    const env = { ...process.env };
    delete env['XEN_PM_TEST_RUN'];
    const child = spawn('sleep', ['60'], { cwd: scratch, stdio: 'ignore', env });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const l = compare(before, snapshot(tmpDir('etc-')), { ...opts(scratch), marker: 'XEN_PM_TEST_RUN=other' });
      expect(describeLeftovers(l).join('\n')).toMatch(new RegExp(`pid ${child.pid} \\(sleep\\)`));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('sees a unit enabled or a SysV script linked during the run', () => {
    const etc = tmpDir('etc-');
    fs.mkdirSync(path.join(etc, 'systemd/system/multi-user.target.wants'), { recursive: true });
    fs.mkdirSync(path.join(etc, 'rc2.d'));
    const before = snapshot(etc);
    fs.symlinkSync('/lib/systemd/system/prometheus.service', path.join(etc, 'systemd/system/multi-user.target.wants/prometheus.service'));
    fs.symlinkSync('../init.d/prometheus', path.join(etc, 'rc2.d/S01prometheus'));
    fs.symlinkSync('../init.d/prometheus', path.join(etc, 'rc2.d/K01prometheus')); // a stop link enables nothing
    const l = compare(before, snapshot(etc), opts('/nonexistent-scratch'));
    expect(l.enabled).toEqual([`${etc}/rc2.d/S01prometheus`, `${etc}/systemd/system/multi-user.target.wants/prometheus.service`]);
    expect(compare(snapshot(etc), snapshot(etc), opts('/nonexistent-scratch')).enabled).toEqual([]);
  });

  it('does not count the runner itself or processes that were already running', () => {
    const s = snapshot(tmpDir('etc-'));
    const l = compare(s, snapshot(tmpDir('etc-')), opts('/nonexistent-scratch'));
    expect(l.processes.map((p) => p.pid)).not.toContain(process.pid);
    expect(l.processes.map((p) => p.pid)).not.toContain(1);
  });
});
