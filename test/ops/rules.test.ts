import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';

const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: path.join(REPO, 'prometheus'), encoding: 'utf8' });

describe('Prometheus rules (real promtool)', () => {
  it('promtool check rules', () => {
    const r = promtool('check', 'rules', 'xen-pm.rules.yml');
    expect(r.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 13 rules found/);
  });
  it('promtool test rules: every alert before and after for:, idle host, missing data', () => {
    const r = promtool('test', 'rules', 'xen-pm.rules.test.yml');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
});
