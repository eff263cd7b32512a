import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { REPO, tmpDir } from '../helpers.js';
import { tool } from './tools.js';

/** Renders the mixin with Debian's jsonnet (mixin/render.sh) into a scratch directory. */
function render(selector?: string): string {
  const out = tmpDir('mixin-');
  const r = spawnSync('bash', [path.join(REPO, 'mixin/render.sh'), out, ...(selector ? [selector] : [])], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.dirname(tool('jsonnet'))}:${process.env['PATH']}` },
  });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

const FILES = ['prometheus/xen-pm.rules.yml', 'grafana/xen-pm-dashboard.json'];

describe('the monitoring mixin', () => {
  it('the checked-in rule file and dashboard are what the mixin renders (run `npm run mixin` after changing it)', () => {
    const out = render();
    for (const f of FILES) {
      const fresh = fs.readFileSync(path.join(out, f), 'utf8');
      const committed = fs.readFileSync(path.join(REPO, f), 'utf8');
      expect(committed, `${f} is out of date: npm run mixin`).toBe(fresh);
    }
  });

  it('a custom selector reaches every alert, recording rule and dashboard query, and no default job is left', () => {
    const sel = 'job="dom0s", env="prod"';
    const out = render(sel);
    const rules = fs.readFileSync(path.join(out, 'prometheus/xen-pm.rules.yml'), 'utf8');
    const dash = fs.readFileSync(path.join(out, 'grafana/xen-pm-dashboard.json'), 'utf8');
    expect(rules).not.toMatch(/xen-pm"/);
    expect(dash).not.toMatch(/job=\\"xen-pm/);
    const parsed = YAML.parse(rules) as { groups: Array<{ rules: Array<{ expr: string }> }> };
    for (const r of parsed.groups.flatMap((g) => g.rules)) expect(r.expr).toContain(sel);
    // Dashboard queries on raw series carry the selector; the fleet recording rules already did.
    const d = JSON.parse(dash) as { panels: Array<{ targets?: Array<{ expr: string }> }>; templating: { list: Array<{ query?: { query: string } }> } };
    for (const t of d.panels.flatMap((p) => p.targets ?? [])) {
      if (/^(xen_pm:|instance:xen_pm_)/.test(t.expr)) continue;
      expect(t.expr).toContain(sel);
    }
    expect(d.templating.list[1]!.query!.query).toBe(`label_values(xen_pm_platform_info{${sel}}, instance)`);
    const check = spawnSync(tool('promtool'), ['check', 'rules', path.join(out, 'prometheus/xen-pm.rules.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});
