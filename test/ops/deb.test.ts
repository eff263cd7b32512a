import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';
import { enabledLinks, processes } from './machine-state.js';
import { tool } from './tools.js';

/**
 * The Debian package: built with dpkg-deb, its maintainer scripts run with and without a running
 * systemd (stub commands, in a private mount namespace), then really installed with apt, run, and
 * purged — leaving nothing enabled, started or behind. Needs root (apt); fails, never skips, without.
 */
const PKG = 'xen-pm-exporter';
const UNIT = `${PKG}.service`;
const WANTS = `/etc/systemd/system/multi-user.target.wants/${UNIT}`;
const DSH = '/var/lib/systemd/deb-systemd-helper-enabled';
let deb = '';

const run = (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 300_000, env: opts.env ?? process.env });
const installed = () => run('dpkg-query', ['-W', '-f=${db:Status-Status}', PKG]).stdout === 'installed';
const userExists = () => run('getent', ['passwd', PKG]).status === 0;
/**
 * Runs a command in a private mount namespace where /run/systemd is empty: on a machine where
 * systemd does run, a maintainer script must not start the service during the test either.
 * apt waits for the dpkg lock (another checkout's test run may hold it) and never asks.
 */
const withoutSystemd = (cmd: string[]) =>
  run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; fi; exec "$@"', 'sh', ...cmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });

beforeAll(() => {
  expect(process.getuid?.(), 'installing a .deb needs root').toBe(0);
  // Never touch a real installation on the machine running the tests.
  expect(installed(), `${PKG} is already installed here: the test refuses to replace or purge it`).toBe(false);
  expect(userExists(), `a user ${PKG} already exists: the test would remove it on purge`).toBe(false);
  const out = tmpDir('deb-');
  const r = run('bash', [path.join(REPO, 'packaging/deb/build.sh'), out]);
  expect(r.status, r.stderr).toBe(0);
  deb = r.stdout.trim();
}, 300_000);

afterAll(() => {
  // A failed assertion between install and purge must not leave the package behind.
  if (installed()) withoutSystemd(['apt-get', '-y', '-q', '-o', 'DPkg::Lock::Timeout=300', 'purge', PKG]);
});

describe('the .deb as built', () => {
  it('declares what it needs and ships the app, wrapper, unit, config (as a conffile), rules, dashboard and licences', () => {
    const info = run('dpkg-deb', ['-f', deb]).stdout;
    expect(info).toMatch(/^Package: xen-pm-exporter$/m);
    expect(info).toMatch(/^Architecture: all$/m);
    expect(info).toMatch(/^Depends: .*nodejs \(>= 20\)/m);
    expect(info).toMatch(/^Depends: .*adduser/m);
    const files = run('dpkg-deb', ['--contents', deb]).stdout.split('\n').map((l) => l.split(/\s+/).pop()!);
    for (const f of [
      './usr/bin/xen-pm-exporter', './usr/lib/xen-pm-exporter/xen-pm-exporter.mjs', `./usr/lib/systemd/system/${UNIT}`,
      './etc/default/xen-pm-exporter', './usr/share/xen-pm-exporter/prometheus/xen-pm.rules.yml',
      './usr/share/xen-pm-exporter/grafana/xen-pm-dashboard.json', './usr/share/xen-pm-exporter/mixin/mixin.libsonnet',
      './usr/share/doc/xen-pm-exporter/copyright', './usr/share/doc/xen-pm-exporter/THIRD-PARTY-LICENSES',
    ]) expect(files, f).toContain(f);
    const ctl = tmpDir('ctl-');
    execFileSync('dpkg-deb', ['-e', deb, ctl]);
    expect(fs.readFileSync(path.join(ctl, 'conffiles'), 'utf8').trim()).toBe('/etc/default/xen-pm-exporter');
    for (const s of ['postinst', 'prerm', 'postrm']) expect(run('sh', ['-n', path.join(ctl, s)]).status, s).toBe(0);
  });

  it('builds reproducibly: the same tree gives the same bytes', () => {
    const again = run('bash', [path.join(REPO, 'packaging/deb/build.sh'), tmpDir('deb2-')]).stdout.trim();
    expect(fs.readFileSync(again).equals(fs.readFileSync(deb))).toBe(true);
  }, 300_000);
});

describe('maintainer scripts with and without a running systemd (stub commands record what they would do)', () => {
  /** Runs one maintainer script with stubs first on PATH, with /run/systemd/system present or not. */
  function script(name: string, args: string[], systemd: boolean): string[] {
    const ctl = tmpDir('ctl-');
    execFileSync('dpkg-deb', ['-e', deb, ctl]);
    const stubs = tmpDir('stubs-');
    const log = path.join(stubs, 'calls.log');
    for (const cmd of ['deb-systemd-helper', 'deb-systemd-invoke', 'systemctl', 'adduser', 'deluser', 'delgroup', 'getent']) {
      // getent answers "no such user": a fresh install, or a purge after the user went away.
      fs.writeFileSync(path.join(stubs, cmd), `#!/bin/sh\necho "${cmd} $*" >> '${log}'\n${cmd === 'getent' ? 'exit 2' : 'exit 0'}\n`, { mode: 0o755 });
    }
    fs.writeFileSync(log, '');
    // A private mount namespace with a private /run: /run/systemd/system exists only in there.
    const setup = `mount -t tmpfs tmpfs /run && ${systemd ? 'mkdir -p /run/systemd/system && ' : ''}exec "$@"`;
    const r = run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', setup, 'sh', path.join(ctl, name), ...args], { env: { ...process.env, PATH: `${stubs}:${process.env['PATH']}` } });
    expect(r.status, r.stderr).toBe(0);
    return fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).filter((l) => !l.startsWith('getent'));
  }

  it('fresh install under systemd: user created, unit enabled, daemon reloaded and the service started', () => {
    const calls = script('postinst', ['configure'], true);
    expect(calls[0]).toMatch(/^adduser --system --group .* xen-pm-exporter$/);
    expect(calls).toContain(`deb-systemd-helper enable ${UNIT}`);
    expect(calls).toContain('systemctl --system daemon-reload');
    expect(calls[calls.length - 1]).toBe(`deb-systemd-invoke start ${UNIT}`);
  });
  it('upgrade under systemd restarts instead', () => {
    expect(script('postinst', ['configure', '0.0.9'], true)).toContain(`deb-systemd-invoke restart ${UNIT}`);
  });
  it('without systemd (PID 1 is something else, a chroot, an image build): enabled for the next boot, nothing started', () => {
    const calls = script('postinst', ['configure'], false);
    expect(calls).toContain(`deb-systemd-helper enable ${UNIT}`);
    expect(calls.filter((c) => /^(systemctl|deb-systemd-invoke)/.test(c))).toEqual([]);
  });
  it('removal stops the service under systemd only; purge forgets the unit and removes the user', () => {
    expect(script('prerm', ['remove'], true)).toEqual([`deb-systemd-invoke stop ${UNIT}`]);
    expect(script('prerm', ['remove'], false)).toEqual([]);
    expect(script('postrm', ['remove'], false)).toEqual([`deb-systemd-helper mask ${UNIT}`]);
    const purge = script('postrm', ['purge'], true);
    expect(purge).toEqual(['systemctl --system daemon-reload', `deb-systemd-helper purge ${UNIT}`, `deb-systemd-helper unmask ${UNIT}`]);
  });
});

describe('apt install, run, purge on this machine', () => {
  it('installs with apt, answers `check`, then purges without a trace and without having started anything', () => {
    const linksBefore = enabledLinks();
    try {
      const inst = withoutSystemd(['apt-get', '-y', '-q', '-o', 'DPkg::Lock::Timeout=300', 'install', '--no-install-recommends', deb]);
      expect(inst.status, inst.stdout + inst.stderr).toBe(0);
      expect(installed()).toBe(true);

      // Installed as the standard snippet does it: a system user, the unit enabled for the next boot.
      const user = run('getent', ['passwd', PKG]).stdout.split(':');
      expect(Number(user[2])).toBeLessThan(1000);
      expect(user[6]!.trim()).toBe('/usr/sbin/nologin');
      expect(fs.readlinkSync(WANTS)).toMatch(/^(\/usr)?\/lib\/systemd\/system\/xen-pm-exporter\.service$/);
      expect(fs.readFileSync('/etc/default/xen-pm-exporter', 'utf8')).toMatch(/^XEN_PM_EXPORTER_ARGS=/m);
      // …and nothing started: no process runs the packaged app.
      expect([...processes().values()].filter((p) => p.args.includes('/usr/lib/xen-pm-exporter/'))).toEqual([]);

      expect(run('/usr/bin/xen-pm-exporter', ['--version']).stdout).toMatch(/^xen-pm-exporter \d+\.\d+\.\d+/);
      const check = run('/usr/bin/xen-pm-exporter', ['check', '--root', path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor')]);
      expect(check.status, check.stderr).toBe(2);
      expect(check.stdout).toMatch(/^CRITICAL: Xen dom0 — XEN_PSTATE_HANDOFF_MISSING/);
      // The installed unit verifies against the installed binary.
      const verify = run(tool('systemd-analyze'), ['verify', `/usr/lib/systemd/system/${UNIT}`]);
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    } finally {
      const purge = withoutSystemd(['apt-get', '-y', '-q', '-o', 'DPkg::Lock::Timeout=300', 'purge', PKG]);
      expect(purge.status, purge.stdout + purge.stderr).toBe(0);
    }
    expect(installed()).toBe(false);
    expect(userExists()).toBe(false);
    expect(run('getent', ['group', PKG]).status).not.toBe(0);
    for (const gone of [WANTS, `/etc/systemd/system/${UNIT}`, '/etc/default/xen-pm-exporter', '/usr/bin/xen-pm-exporter', '/usr/lib/xen-pm-exporter', `${DSH}/${UNIT}.dsh-also`, `${DSH}/multi-user.target.wants/${UNIT}`, `/var/lib/systemd/deb-systemd-helper-masked/${UNIT}`]) {
      expect(fs.existsSync(gone), gone).toBe(false);
    }
    expect(enabledLinks()).toEqual(linksBefore);
  }, 600_000);
});
