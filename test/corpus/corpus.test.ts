import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportFor } from '../helpers.js';
import type { Report } from '../../src/diagnosis/report.js';
// @ts-expect-error plain ESM helper without type declarations
import { slice } from './tools/slice-paste.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { treeOf } from './tools/grep-dump-to-tree.mjs';

/**
 * The real-world corpus: outputs other people published, each a capture directory with the
 * diagnosis an engineer would give stated as semantics (expected.json). Only the keys an entry
 * states are asserted. Entries the current rules get wrong carry `knownMiss` and run as
 * `it.fails`, so a fix that makes them pass turns the marker into a failure to remove.
 */
const CORPUS = path.dirname(fileURLToPath(import.meta.url));
const MIN_ENTRIES = 60;

interface Expect {
  platform?: Report['platform']['kind'];
  controller?: Report['pstates']['controller'];
  handoff?: Report['pstates']['handoff'];
  driver?: string | null;
  governor?: string | null;
  frequenciesMHz?: number[];
  maxMHz?: number | null;
  status?: Report['status'] | Report['status'][];
  mustFind?: string[];
  mustNotFind?: string[];
  evidenceMatches?: Record<string, string>;
}

interface Entry {
  holds?: string;
  expect: Expect;
  why?: string;
  knownMiss?: string;
}

interface Derive {
  input?: string;
  slices?: Record<string, string>;
  tree?: { sep?: string; lines?: string | null; base?: string | null };
}

const ALLOWED_KEYS = new Set(['platform', 'controller', 'handoff', 'driver', 'governor', 'frequenciesMHz', 'maxMHz', 'status', 'mustFind', 'mustNotFind', 'evidenceMatches']);

function entryNames(): string[] {
  return fs.readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'tools')
    .map((d) => d.name)
    .sort();
}

function readEntry(name: string): Entry {
  return JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'expected.json'), 'utf8')) as Entry;
}

/** Every file under sys/ and proc/ of an entry, as capture-relative path → content. */
function treeOnDisk(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  walk('sys');
  walk('proc');
  return out;
}

function assertExpectation(name: string, r: Report, e: Expect): void {
  const ids = r.findings.map((f) => f.id);
  const say = `${name}: ${r.verdict}`;
  if (e.platform !== undefined) expect(r.platform.kind, say).toBe(e.platform);
  if (e.controller !== undefined) expect(r.pstates.controller, say).toBe(e.controller);
  if (e.handoff !== undefined) expect(r.pstates.handoff, say).toBe(e.handoff);
  if (e.driver !== undefined) expect(r.pstates.driver, say).toBe(e.driver);
  if (e.governor !== undefined) expect(r.pstates.governor, say).toBe(e.governor);
  if (e.frequenciesMHz !== undefined) expect(r.pstates.frequenciesHz.map((hz) => hz / 1e6), say).toEqual(e.frequenciesMHz);
  if (e.maxMHz !== undefined) expect(r.pstates.maxHz === null ? null : r.pstates.maxHz / 1e6, say).toBe(e.maxMHz);
  if (e.status !== undefined) {
    const allowed = Array.isArray(e.status) ? e.status : [e.status];
    expect(allowed, `${say} (findings: ${ids.join(', ') || 'none'})`).toContain(r.status);
  }
  for (const id of e.mustFind ?? []) expect(ids, say).toContain(id);
  for (const id of e.mustNotFind ?? []) expect(ids, say).not.toContain(id);
  for (const [id, re] of Object.entries(e.evidenceMatches ?? {})) {
    const f = r.findings.find((x) => x.id === id);
    expect(f, `${say}: ${id} present`).toBeDefined();
    expect(f!.evidence.some((line) => new RegExp(re).test(line)), `${say}: an evidence line of ${id} matches /${re}/: ${JSON.stringify(f!.evidence)}`).toBe(true);
  }
}

const names = entryNames();

describe('corpus layout', () => {
  it(`holds at least ${MIN_ENTRIES} entries`, () => {
    expect(names.length).toBeGreaterThanOrEqual(MIN_ENTRIES);
  });

  it('every entry has SOURCE.md and expected.json with a usable expectation', () => {
    for (const n of names) {
      const dir = path.join(CORPUS, n);
      expect(fs.existsSync(path.join(dir, 'SOURCE.md')), `${n}/SOURCE.md`).toBe(true);
      expect(fs.existsSync(path.join(dir, 'expected.json')), `${n}/expected.json`).toBe(true);
      const e = readEntry(n);
      expect(Object.keys(e.expect ?? {}).length, `${n}: expect states something`).toBeGreaterThan(0);
      for (const k of Object.keys(e.expect)) expect(ALLOWED_KEYS.has(k), `${n}: unknown expect key ${k}`).toBe(true);
      expect(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/.test(n), `${n}: kebab-case id`).toBe(true);
    }
  });

  it('every entry holds capture data and nothing outside the capture format', () => {
    const top = new Set(['SOURCE.md', 'expected.json', 'published.txt', 'derive.json', 'commands', 'sys', 'proc']);
    for (const n of names) {
      const dir = path.join(CORPUS, n);
      const items = fs.readdirSync(dir);
      for (const i of items) expect(top.has(i), `${n}/${i}`).toBe(true);
      expect(items.some((i) => i === 'commands' || i === 'sys' || i === 'proc'), `${n} holds a capture`).toBe(true);
      if (fs.existsSync(path.join(dir, 'commands'))) {
        for (const f of fs.readdirSync(path.join(dir, 'commands'))) {
          expect(/^(?:xenpm-get-cpufreq-para|xenpm-get-cpufreq-states|xenpm-get-cpuidle-states|xenpm-get-cpu-topology|xenpm-get-cpufreq-average|xl-info|xl-dmesg|dmesg)\.(?:stdout|stderr|exit)$/.test(f), `${n}/commands/${f}`).toBe(true);
        }
      }
    }
  });

  it('README.md lists every entry, and only entries that exist', () => {
    const readme = fs.readFileSync(path.join(CORPUS, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(names);
  });

  it('command files and sysfs trees are exactly what derive.json says they cut from the published text', () => {
    for (const n of names) {
      const dir = path.join(CORPUS, n);
      const file = path.join(dir, 'derive.json');
      if (!fs.existsSync(file)) continue;
      const d = JSON.parse(fs.readFileSync(file, 'utf8')) as Derive;
      const text = fs.readFileSync(path.join(dir, d.input ?? 'published.txt'), 'utf8');
      for (const [rel, ranges] of Object.entries(d.slices ?? {})) {
        expect(fs.readFileSync(path.join(dir, rel), 'utf8'), `${n}/${rel}`).toBe(slice(text, ranges) as string);
      }
      if (d.tree) {
        const want = treeOf(text, d.tree) as Map<string, string>;
        expect([...treeOnDisk(dir)].sort(), `${n}: sys/ and proc/ are the derived tree`).toEqual([...want].sort());
      }
    }
  });
});

describe('corpus derivation tools', () => {
  it('derive nothing from wrapped, conflicting or escaping lines', () => {
    const t = treeOf([
      '/sys/a/cpufreq/x:1', '/sys/a/cpufreq/long:first half', 'second half', '',
      '/sys/a/cpufreq/y:2', '/sys/a/cpufreq/y:2', '$ grep . again', '/sys/a/cpufreq/y:3',
      '/sys/../etc/passwd:root', '/etc/hostname:h', 'grep: /sys/a/cpufreq/z: Permission denied',
    ].join('\n'), { sep: 'grep' }) as Map<string, string>;
    expect([...t]).toEqual([['sys/a/cpufreq/x', '1\n']]);
  });

  it('read `cat PATH` transcripts only where one value line follows', () => {
    const t = treeOf([
      '# cat /sys/a/status', 'active', '\tcat /sys/a/driver', '\t\tamd-pstate', '',
      '$ cat /sys/a/table', '1 2', '3 4', '', 'cat /sys/a/empty', '',
      '$ cat /sys/a/gov', 'schedutil', '$ dmesg | grep x', '$ cat /sys/a/prose', 'x', '- a remark',
    ].join('\n'), { sep: 'cat' }) as Map<string, string>;
    expect([...t].sort()).toEqual([['sys/a/driver', 'amd-pstate\n'], ['sys/a/gov', 'schedutil\n'], ['sys/a/status', 'active\n']]);
  });
});

describe('corpus diagnosis', () => {
  for (const n of names) {
    const e = readEntry(n);
    const run = async () => assertExpectation(n, await reportFor(path.join(CORPUS, n)), e.expect);
    if (e.knownMiss) it.fails(`${n} (known miss: ${e.knownMiss})`, run);
    else it(n, run);
  }
});
