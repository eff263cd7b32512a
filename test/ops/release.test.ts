import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';
import { startDaemonWith, waitHealthy } from '../daemon.js';

describe('release artefacts', () => {
  it('npm pack gives a tarball whose xen-pm-exporter works after npm install -g on a clean prefix', () => {
    const out = tmpDir('pack-');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/src/main.js', 'systemd/xen-pm-exporter.service', 'prometheus/xen-pm.rules.yml', 'grafana/xen-pm-dashboard.json', 'README.md']));
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
    const prefix = path.join(out, 'prefix');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', path.join(out, packed[0]!.filename)], { stdio: 'ignore', timeout: 180_000 });
    const bin = path.join(prefix, 'bin/xen-pm-exporter');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toMatch(/^xen-pm-exporter \d/);
    const r = spawnSync(bin, ['check', '--root', path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^CRITICAL: Xen dom0 — XEN_PSTATE_HANDOFF_MISSING/);
  }, 240_000);

  it('the single-file bundle runs with plain node from an empty directory: check and serve', async () => {
    execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: REPO, stdio: 'ignore' });
    const alone = tmpDir('bundle-');
    const file = path.join(alone, 'xen-pm-exporter.mjs');
    fs.copyFileSync(path.join(REPO, 'dist/xen-pm-exporter.mjs'), file);
    const r = spawnSync(process.execPath, [file, 'check', '--root', path.join(FIXTURES, 'xen-dom0-ppc-capped')], { cwd: alone, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^WARNING: Xen dom0 — PSTATES_CAPPED/);
    const d = await startDaemonWith([file], ['--root', path.join(FIXTURES, 'xen-dom0-ppc-capped')]);
    try {
      await waitHealthy(d);
      const metrics = await (await fetch(`${d.url}/metrics`)).text();
      expect(metrics).toMatch(/^xen_pm_finding\{id="PSTATES_CAPPED",severity="warning"\} 1$/m);
      expect(metrics).toMatch(/^xen_pm_build_info\{version="\d+\.\d+\.\d+",/m);
    } finally {
      await d.stop();
    }
  }, 60_000);
});
