import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO, tmpDir } from '../helpers.js';

const UNIT = path.join(REPO, 'systemd/xen-pm-exporter.service');
/** The exposure the README explains point by point; a change that raises it fails here. */
const DOCUMENTED_EXPOSURE = 2.1;

describe('systemd unit (real systemd-analyze)', () => {
  it('systemd-analyze verify passes', () => {
    // verify insists that ExecStart's binary exists: point it at this checkout's build.
    const dir = tmpDir('unit-');
    const unit = fs.readFileSync(UNIT, 'utf8').replace('ExecStart=/usr/bin/xen-pm-exporter', `ExecStart=${process.execPath} ${path.join(REPO, 'dist/src/main.js')}`);
    fs.writeFileSync(path.join(dir, 'xen-pm-exporter.service'), unit);
    const r = spawnSync('systemd-analyze', ['verify', path.join(dir, 'xen-pm-exporter.service')], { encoding: 'utf8' });
    expect(r.error, 'systemd-analyze must be installed').toBeUndefined();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect((r.stdout + r.stderr).trim()).toBe('');
  });
  it(`systemd-analyze security --offline=true: exposure at most ${DOCUMENTED_EXPOSURE}`, () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', UNIT], { encoding: 'utf8' });
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
});
