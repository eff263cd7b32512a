import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';
import { startDaemonWith, waitHealthy } from '../daemon.js';

describe('release artefacts', () => {
  it('npm pack gives a tarball whose xen-pm-exporter works after npm install -g on a clean prefix', () => {
    const out = tmpDir('pack-');
    // --ignore-scripts: prepack would rebuild dist/ (removing dist/src first) under the other test files
    // running from it at the same time; `npm test` built it already.
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/src/main.js', 'systemd/xen-pm-exporter.service', 'prometheus/xen-pm.rules.yml', 'grafana/xen-pm-dashboard.json', 'README.md', 'LICENSE', 'npm-shrinkwrap.json', 'mixin/mixin.libsonnet']));
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
    const prefix = path.join(out, 'prefix');
    // --offline with an empty cache: the tarball carries its dependencies (bundleDependencies), so a
    // dom0 without network installs it, and npm cannot swap in other versions.
    execFileSync('npm', ['install', '-g', '--offline', '--cache', path.join(out, 'empty-cache'), '--prefix', prefix, '--no-audit', '--no-fund', path.join(out, packed[0]!.filename)], { stdio: 'ignore', timeout: 180_000 });
    // What a global install brings is the tested tree: every version the shrinkwrap pins. (npm ignores
    // a shrinkwrap when installing a local tarball globally, npm/cli#5325 and #5349; the bundled
    // dependencies are what make this hold.)
    const wrap = JSON.parse(fs.readFileSync(path.join(REPO, 'npm-shrinkwrap.json'), 'utf8')) as { packages: Record<string, { version: string; dev?: boolean }> };
    const installed = path.join(prefix, 'lib/node_modules/xen-pm-exporter/node_modules');
    const pinned = Object.entries(wrap.packages).filter(([k, v]) => k.startsWith('node_modules/') && !v.dev && !k.slice(13).includes('node_modules/'));
    expect(pinned.length).toBeGreaterThan(20);
    for (const [k, v] of pinned) {
      const meta = path.join(installed, k.slice('node_modules/'.length), 'package.json');
      if (!fs.existsSync(meta)) continue; // optional dependencies of other platforms
      expect(`${k}@${(JSON.parse(fs.readFileSync(meta, 'utf8')) as { version: string }).version}`).toBe(`${k}@${v.version}`);
    }
    const bin = path.join(prefix, 'bin/xen-pm-exporter');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toMatch(/^xen-pm-exporter \d/);
    const r = spawnSync(bin, ['check', '--root', path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^CRITICAL: Xen dom0 — XEN_PSTATE_HANDOFF_MISSING/);
  }, 240_000);

  it('the single-file bundle runs with plain node from an empty directory: check and serve', async () => {
    execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: REPO, stdio: 'ignore' });
    // Every runtime dependency travels with its licence text, beside the bundle and inside it.
    const licences = fs.readFileSync(path.join(REPO, 'dist/THIRD-PARTY-LICENSES.txt'), 'utf8');
    const bundled = fs.readFileSync(path.join(REPO, 'dist/xen-pm-exporter.mjs'), 'utf8');
    const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies).filter((d) => d !== 'pino-pretty');
    for (const d of deps) {
      const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', d, 'package.json'), 'utf8')) as { version: string }).version;
      const section = licences.split(/^=== /m).find((x) => x.startsWith(`${d}@${version} `));
      expect(section, d).toBeDefined();
      expect(section!.length, d).toBeGreaterThan(300);
      expect(bundled).toContain(`// === ${d}@${version} `);
    }
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
