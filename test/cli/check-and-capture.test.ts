import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';

const BIN = path.join(REPO, 'dist/src/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('xen-pm-exporter check', () => {
  it('exits like a Nagios plugin: 0 ok, 1 warning, 2 critical, 3 unknown', () => {
    expect(run('check', '--root', path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor')).status).toBe(0);
    expect(run('check', '--root', path.join(FIXTURES, 'xen-dom0-cpufreq-none')).status).toBe(1);
    const crit = run('check', '--root', path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor'));
    expect(crit.status).toBe(2);
    expect(crit.stdout.split('\n')[0]).toMatch(/^CRITICAL: Xen dom0 — XEN_PSTATE_HANDOFF_MISSING/);
    const empty = tmpDir('empty-');
    const unk = run('check', '--root', empty, '--format', 'json');
    expect(unk.status).toBe(3);
    expect(JSON.parse(unk.stdout).status).toBe('unknown');
  });

  it('groups CPUs by what matters, the current frequency shown as each group\'s range', () => {
    const out = run('check', '--root', path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor')).stdout;
    // CPU0 runs at 3401 MHz and CPUs 1-3 at 1600: one group all the same.
    expect(out).toMatch(/^ {2}0-3 +yes +xen +acpi-cpufreq +performance +1600 +3401 +3401 +16\/16 +1600–3401\b/m);
    expect(out).toMatch(/^Host: +\(no host name\)$/m);
  });

  it('on this machine: live check equals check --root of a fresh capture', () => {
    const live = run('check', '--format', 'json');
    expect([0, 1, 2, 3]).toContain(live.status);
    const out = path.join(tmpDir('cap-'), 'capture');
    const cap = run('capture', '--out', out);
    expect(cap.status, cap.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'capture.json'))).toBe(true);
    // Empty directories carry meaning (no policy, module not loaded) and must survive git: none is left empty.
    const empty: string[] = [];
    const walk = (d: string) => { const es = fs.readdirSync(d, { withFileTypes: true }); if (!es.length) empty.push(d); for (const e of es) if (e.isDirectory()) walk(path.join(d, e.name)); };
    walk(out);
    expect(empty).toEqual([]);
    const replay = run('check', '--root', out, '--format', 'json');
    const strip = (t: string) => { const r = JSON.parse(t); delete r.generatedAt; delete r.sources; return r; };
    expect(strip(replay.stdout)).toEqual(strip(live.stdout));
    expect(replay.status).toBe(live.status);
    // Capturing into a non-empty directory is refused.
    const again = run('capture', '--out', out);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/not empty/);
  });

  it('a VM guest without cpufreq says its frequency is not observable and exits 0', () => {
    const r = run('check', '--root', path.join(FIXTURES, 'kvm-guest-this-machine'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OK: VM guest/);
    expect(r.stdout).toMatch(/FREQUENCY_NOT_OBSERVABLE/);
  });

  it('rejects unknown flags with usage', () => {
    const r = run('check', '--nope');
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/Usage:/);
    expect(execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' })).toMatch(/^xen-pm-exporter \d+\.\d+\.\d+/);
  });
});
