import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO, tmpDir } from '../helpers.js';
import { tool } from './tools.js';

const UNIT = path.join(REPO, 'systemd/xen-pm-exporter.service');
/** The exposure the README explains point by point; a change that raises it fails here. */
const DOCUMENTED_EXPOSURE = 2.1;

/** The unit with ExecStart pointed at this checkout's build: verify insists that the binary exists. */
function unitCopy(extra = ''): string {
  const dir = tmpDir('unit-');
  const unit = fs.readFileSync(UNIT, 'utf8')
    .replace('ExecStart=/usr/bin/xen-pm-exporter', `ExecStart=${process.execPath} ${path.join(REPO, 'dist/src/main.js')}`)
    .replace('[Service]\n', `[Service]\n${extra}`);
  fs.writeFileSync(path.join(dir, 'xen-pm-exporter.service'), unit);
  return path.join(dir, 'xen-pm-exporter.service');
}
const analyze = (...args: string[]) => spawnSync(tool('systemd-analyze'), args, { encoding: 'utf8' });

describe('systemd unit (Debian\'s systemd-analyze, unpacked privately)', () => {
  it('systemd-analyze verify passes without a warning', () => {
    const r = analyze('verify', unitCopy());
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect((r.stdout + r.stderr).trim()).toBe('');
  });

  it('a directive this systemd does not know is ignored with a warning, not fatal — how older systemd treats our newer lines', () => {
    const r = analyze('verify', unitCopy('ProtectFutureThing=yes\n'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Unknown key '?ProtectFutureThing'? in section \[?'?Service'?\]?, ignoring/);
  });

  it('no system call allow list: an allow list of one group an old systemd lacks would forbid nearly every call', () => {
    const unit = fs.readFileSync(UNIT, 'utf8');
    const filters = unit.match(/^SystemCallFilter=.*$/gm) ?? [];
    expect(filters.length).toBeGreaterThan(0);
    for (const f of filters) expect(f, f).toMatch(/^SystemCallFilter=~/);
  });

  it(`systemd-analyze security --offline=true: exposure at most ${DOCUMENTED_EXPOSURE}`, () => {
    const r = analyze('security', '--offline=true', UNIT);
    const m = /Overall exposure level for xen-pm-exporter\.service: (\d+\.\d+)/.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(DOCUMENTED_EXPOSURE);
  });

  it('allows exactly the devices xenpm needs and the kernel log, with no capability but CAP_SYSLOG', () => {
    const unit = fs.readFileSync(UNIT, 'utf8');
    expect(unit.match(/^DeviceAllow=.*$/gm)).toEqual(['DeviceAllow=/dev/xen/privcmd rw', 'DeviceAllow=/dev/xen/hypercall rw', 'DeviceAllow=/dev/kmsg r']);
    expect(unit).toMatch(/^CapabilityBoundingSet=CAP_SYSLOG$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^EnvironmentFile=-\/etc\/default\/xen-pm-exporter$/m);
  });

  it('the README names the systemd version and the protection of every [Service] hardening line', () => {
    const unit = fs.readFileSync(UNIT, 'utf8');
    const service = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]'));
    const keys = [...new Set([...service.matchAll(/^([A-Za-z]+)=/gm)].map((m) => m[1]!))]
      .filter((k) => !['Type', 'EnvironmentFile', 'ExecStart', 'Restart', 'RestartSec', 'ExecReload'].includes(k));
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### What each hardening line needs and protects'));
    for (const k of keys) expect(table, k).toMatch(new RegExp(`^\\| \`${k}=[^|]*\` \\| (\\d+|any)[^|]* \\| [^|]+ \\|`, 'm'));
  });
});
