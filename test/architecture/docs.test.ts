import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, FIXTURES, fixtureNames } from '../helpers.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/probe/commands.js';
import { CATALOG } from '../../src/diagnosis/catalog.js';
import { USAGE } from '../../src/options.js';

/** The documents say what the code does: every command, flag, finding id and metric name is in them. */
const read = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');

describe('documentation matches the code', () => {
  it('docs/capture-format.md lists exactly the command table, with its argv and default', () => {
    const rows = [...read('docs/capture-format.md').matchAll(/^\| `([a-z0-9-]+)` \| `([^`]+)`[^|]*\| (yes|no)/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual(COMMAND_NAMES.map((n) => {
      const c = COMMANDS[n];
      return [n, c.tool === 'kernel-log' ? 'dmesg' : [c.tool, ...c.args].join(' '), c.runsByDefault ? 'yes' : 'no'];
    }));
  });
  it('the README names every finding id', () => {
    const readme = read('README.md');
    expect(Object.keys(CATALOG).filter((id) => !readme.includes(`\`${id}\``))).toEqual([]);
  });
  it('the README names every flag', () => {
    const readme = read('README.md');
    const flags = [...USAGE.matchAll(/^\s+(--[a-z][\w.-]*)/gm)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((f) => !readme.includes(`\`${f}`))).toEqual([]);
  });
  it('the README names every metric the daemon exports', () => {
    const readme = read('README.md');
    const names = new Set<string>();
    for (const f of fixtureNames()) {
      for (const m of read(path.relative(REPO, path.join(FIXTURES, f, 'expected-metrics.prom'))).matchAll(/^# TYPE (\w+)/gm)) names.add(m[1]!);
    }
    expect(names.size).toBeGreaterThan(20);
    expect([...names].filter((n) => !readme.includes(n))).toEqual([]);
  });
});
