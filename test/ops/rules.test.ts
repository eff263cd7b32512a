import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { REPO } from '../helpers.js';
import { CATALOG } from '../../src/diagnosis/catalog.js';
import { tool } from './tools.js';

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const RULES = path.join(REPO, 'prometheus/xen-pm.rules.yml');
const groups = (YAML.parse(fs.readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups;
const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
const promtool = (...args: string[]) => spawnSync(tool('promtool'), args, { cwd: path.join(REPO, 'prometheus'), encoding: 'utf8' });

/** Findings an operator acts on: every one has its own alert. */
const ACTIONABLE = [
  'XEN_PSTATE_HANDOFF_MISSING', 'XEN_PSTATE_HANDOFF_PARTIAL', 'XEN_ACPI_PROCESSOR_NOT_LOADED', 'XEN_ACPI_UPLOAD_ERROR',
  'XEN_CPUFREQ_DISABLED', 'XEN_NOT_SCALING', 'XEN_TOOLS_UNAVAILABLE', 'FIRMWARE_NO_PSTATES', 'PSTATES_CAPPED', 'GOVERNOR_PINNED_LOW',
  'FREQUENCY_STUCK_BELOW_MAX', 'IMPLAUSIBLE_READING', 'NO_CPUFREQ_DRIVER', 'PROBE_FAILED',
];

describe('Prometheus rules (real promtool)', () => {
  it('promtool check rules', () => {
    const r = promtool('check', 'rules', 'xen-pm.rules.yml');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`SUCCESS: ${alerts.length + 4} rules found`));
  });
  it('promtool test rules: every alert firing and not firing; idle, bursty, rebooting and unreachable hosts', () => {
    const r = promtool('test', 'rules', 'xen-pm.rules.test.yml');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
  it('the unit tests exercise every alert both firing and silent', () => {
    const tests = (YAML.parse(fs.readFileSync(path.join(REPO, 'prometheus/xen-pm.rules.test.yml'), 'utf8')) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }> }).tests;
    const cases = tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of alerts) {
      expect(cases.some((c) => c.alertname === a.alert && c.exp_alerts.length > 0), `${a.alert} firing`).toBe(true);
      expect(cases.some((c) => c.alertname === a.alert && c.exp_alerts.length === 0), `${a.alert} silent`).toBe(true);
    }
  });
});

describe('alert conventions', () => {
  it('one prefix for every alert', () => {
    expect(alerts.map((a) => a.alert).filter((n) => !/^XenPm[A-Z]\w+$/.test(n!))).toEqual([]);
  });
  it('every actionable finding, and every non-info finding of the catalogue, has its own alert', () => {
    const alerted = (id: string) => alerts.filter((a) => a.expr.includes(`id="${id}", severity!="info"`)).map((a) => a.alert);
    for (const id of ACTIONABLE) expect(alerted(id), id).toHaveLength(1);
    for (const [id, entry] of Object.entries(CATALOG)) if (entry.severity !== 'info') expect(ACTIONABLE, id).toContain(id);
  });
  it('pages only on what hurts now: busy CPUs held low, and the exporter down', () => {
    const critical = alerts.filter((a) => a.labels?.['severity'] === 'critical').map((a) => a.alert).sort();
    expect(critical).toEqual(['XenPmExporterDown', 'XenPmFrequencyStuckBelowMax']);
    expect(alerts.every((a) => ['critical', 'warning'].includes(a.labels?.['severity'] ?? ''))).toBe(true);
    expect(alerts.find((a) => a.alert === 'XenPmExporterDown')!.expr).toMatch(/^up\{job="xen-pm"\} == 0$/);
  });
  it('warnings for conditions present since boot wait at least 15 minutes', () => {
    const minutes = (d: string) => Number(/^(\d+)m$/.exec(d)![1]);
    for (const a of alerts.filter((x) => x.expr.includes('xen_pm_finding') && x.labels?.['severity'] === 'warning')) {
      expect(minutes(a.for!), a.alert).toBeGreaterThanOrEqual(15);
    }
  });
  it('the fleet target alert: warning after 10 minutes of xen_pm_target_up == 0', () => {
    const a = alerts.find((x) => x.alert === 'XenPmTargetUnreachable')!;
    expect(a).toMatchObject({ expr: 'xen_pm_target_up{job="xen-pm"} == 0', for: '10m', labels: { severity: 'warning' } });
  });
  it('every alert has a summary, a description and a runbook anchor that exists in docs/runbooks.md', () => {
    const runbooks = fs.readFileSync(path.join(REPO, 'docs/runbooks.md'), 'utf8');
    // GitHub's anchors: the heading text in lower case.
    const anchors = new Set([...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const a of alerts) {
      expect(a.annotations?.['summary'], a.alert).toBeTruthy();
      expect(a.annotations?.['description'], a.alert).toBeTruthy();
      const url = a.annotations?.['runbook_url'] ?? '';
      expect(url, a.alert).toMatch(/\/docs\/runbooks\.md#[a-z0-9-]+$/);
      expect(anchors.has(url.split('#')[1]!), `${a.alert}: ${url}`).toBe(true);
    }
  });
});
