import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderText, EVIDENCE_SHOWN } from '../../src/render/text-report.js';
import { TEXT_WIDTH } from '../../src/render/wrap.js';
import { parseCpuList } from '../../src/probe/parse-sysfs-values.js';
import type { Report } from '../../src/diagnosis/report.js';
import { FIXTURES, REPO, reportFor, tmpDir } from '../helpers.js';

/**
 * The text report's layout, asserted as properties rather than pinned as a golden: the header names the host
 * and the probe time, no line is wider than the terminal, the decisive evidence is shown, and the CPU table
 * groups by what matters, not by what changes every instant.
 */
const cols = (l: string) => [...l].length;
const overWide = (text: string) => text.split('\n').filter((l) => cols(l) > TEXT_WIDTH);
/** Table rows of the CPU section, continuation lines joined back to their row: the CPU lists as printed. */
function tableCpuLists(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^ {2}CPUS +ONLINE/.test(l));
  expect(start, 'the CPU table header').toBeGreaterThan(0);
  const lists: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === '') break;
    const first = l.trim().split(/\s+/)[0]!;
    if (lists.length && lists[lists.length - 1]!.endsWith(',')) lists[lists.length - 1] += first;
    else lists.push(first);
  }
  return lists;
}

describe('text report: header', () => {
  it('names the host and when the probe ran; with a clock, how long ago', async () => {
    const r = await reportFor(path.join(FIXTURES, 'kvm-guest-this-machine'));
    const lines = renderText(r, { now: new Date(Date.parse(r.generatedAt) + 42_000) }).split('\n');
    expect(lines[0]).toBe(r.verdict);
    expect(lines).toContain('Host:       vm');
    expect(lines).toContain('Probed:     2026-01-01 00:00:00 UTC (42 s ago)');
    expect(renderText(r)).toMatch(/^Probed: +2026-01-01 00:00:00 UTC$/m);
    const unnamed = await reportFor(path.join(FIXTURES, 'qemu-xen-4.17-pstates-uploaded'));
    expect(renderText(unnamed)).toMatch(/^Host: +\(no host name\)$/m);
  });

  it('a host name carrying terminal controls is shown escaped', async () => {
    const root = tmpDir('named-');
    fs.cpSync(path.join(FIXTURES, 'kvm-guest-this-machine'), root, { recursive: true });
    fs.writeFileSync(path.join(root, 'capture.json'), JSON.stringify({ formatVersion: 1, hostname: 'evil\u009b2J\u202ehost' }));
    const text = renderText(await reportFor(root));
    expect(text).toMatch(/^Host: +evil\\x9b2J\\u202ehost$/m);
    expect(text).not.toMatch(/[\u009b\u202e]/);
  });
});

describe('text report: a 256-CPU host', () => {
  let plain: Report;
  let capped: Report;
  beforeAll(() => {
    // scripts/generate-fixture.mjs writes the kernel's own file formats; the capped copy has scaling_max_freq set
    // per CPU, twelve values round-robin, as `echo … > scaling_max_freq` by hand would.
    const dir = tmpDir('big-');
    execFileSync(process.execPath, [path.join(REPO, 'scripts/generate-fixture.mjs'), '256', path.join(dir, 'plain')], { stdio: 'ignore' });
    fs.cpSync(path.join(dir, 'plain'), path.join(dir, 'capped'), { recursive: true, verbatimSymlinks: true });
    const caps = [3300000, 3100000, 3000000, 2900000, 2800000, 2600000, 2500000, 2400000, 2200000, 2100000, 2000000, 1900000];
    for (let i = 0; i < 256; i++) {
      fs.writeFileSync(path.join(dir, 'capped/sys/devices/system/cpu/cpufreq', `policy${i}`, 'scaling_max_freq'), `${caps[i % caps.length]}\n`);
    }
    return Promise.all([reportFor(path.join(dir, 'plain')), reportFor(path.join(dir, 'capped'))]).then(([a, b]) => {
      plain = a;
      capped = b;
    });
  }, 120_000);

  it('fits 120 columns and one screen; one group although every CPU has its own current frequency', () => {
    expect(new Set(plain.cpus.map((c) => c.curHz)).size).toBeGreaterThan(8);
    const text = renderText(plain);
    expect(overWide(text)).toEqual([]);
    expect(text.split('\n').length).toBeLessThanOrEqual(50);
    expect(tableCpuLists(text)).toEqual(['0-255']);
    const lo = Math.min(...plain.cpus.map((c) => c.curHz!)) / 1e6;
    const hi = Math.max(...plain.cpus.map((c) => c.curHz!)) / 1e6;
    expect(text).toMatch(new RegExp(`^ {2}0-255 .* ${lo}–${hi} `, 'm'));
  });

  it('per-CPU limits: groups by scaling max, CPU lists wrapped, every CPU once, still within two screens', () => {
    const text = renderText(capped);
    expect(overWide(text)).toEqual([]);
    expect(text.split('\n').length).toBeLessThanOrEqual(100);
    const lists = tableCpuLists(text);
    expect(lists).toHaveLength(12);
    const cpus = (l: string) => { const p = parseCpuList(l); if (!p.ok) throw new Error(`${l}: ${p.reason}`); return p.value; };
    expect(lists.flatMap(cpus).sort((a, b) => a - b)).toEqual([...Array(256).keys()]);
  });

  it('the decisive evidence line comes first and is shown; the rest is counted, never silently dropped', () => {
    const f = capped.findings.find((x) => x.id === 'PSTATES_CAPPED')!;
    expect(f.evidence.length).toBeGreaterThan(EVIDENCE_SHOWN + 1);
    const text = renderText(capped);
    const flat = text.replace(/\n {14}/g, ' ');
    expect(flat).toContain(`    evidence: ${f.evidence[0]}`);
    for (const e of f.evidence.slice(0, EVIDENCE_SHOWN)) expect(flat).toContain(e);
    expect(flat).not.toContain(f.evidence[EVIDENCE_SHOWN]!);
    expect(text).toContain(`… ${f.evidence.length - EVIDENCE_SHOWN} more (see --format json)`);
    expect(renderText(capped, { fullReport: 'see /health' })).toContain(`… ${f.evidence.length - EVIDENCE_SHOWN} more (see /health)`);
  });
});

describe('text report: every fixture', () => {
  it('no line over 120 columns, the verdict first, every finding with its first evidence line', async () => {
    for (const name of fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, 'expected-report.json')))) {
      const r = await reportFor(path.join(FIXTURES, name));
      const text = renderText(r, { now: new Date() });
      expect(overWide(text), name).toEqual([]);
      expect(text.replace(/\n {4}/g, ' ').split('\n')[0], name).toBe(r.verdict);
      const flat = text.replace(/\n {14}/g, ' ').replace(/\n {4}/g, ' ');
      for (const f of r.findings) {
        expect(flat, `${name} ${f.id}`).toContain(`[${f.severity.toUpperCase()}] ${f.id}: ${f.summary}`);
        if (f.evidence.length) expect(flat, `${name} ${f.id}`).toContain(`evidence: ${f.evidence[0]}`);
      }
    }
  });
});
