import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorScript } from '../../src/remote/collector-script.js';
import { COMMANDS, COMMAND_NAMES } from '../../src/probe/commands.js';
import { COLLECTOR } from './collector-harness.js';

const script = () => fs.readFileSync(COLLECTOR, 'utf8');

describe('collector/xen-pm-collect', () => {
  it('is what the generator writes from the command table and the read manifest (else: npm run collector)', () => {
    expect(script()).toBe(collectorScript());
    expect(fs.statSync(COLLECTOR).mode & 0o111).toBe(0o111);
  });

  it('is clean under shellcheck -s sh', () => {
    // execFileSync throws with shellcheck's findings when it exits non-zero.
    expect(execFileSync('shellcheck', ['-s', 'sh', '-f', 'gcc', COLLECTOR], { encoding: 'utf8' })).toBe('');
  });

  it('runs exactly the default commands, never an opt-in one', () => {
    const text = script();
    for (const n of COMMAND_NAMES.filter((c) => COMMANDS[c].tool !== 'kernel-log')) {
      expect(text.includes(`xpm_tool ${n} `), n).toBe(COMMANDS[n].runsByDefault);
    }
    expect(text).not.toMatch(/get-cpufreq-average/);
  });

  it('reads nothing from the environment but PATH, and writes no file', () => {
    const text = script();
    const code = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    // Variables it reads: its own (XPM_*, _x, R, IFS it sets first) and PATH.
    const read = new Set([...code.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const foreign = [...read].filter((v) => !/^(?:XPM_[A-Z0-9_]+|_[a-z0-9]+|R|IFS|PATH)$/.test(v));
    expect(foreign).toEqual([]);
    expect(code).not.toMatch(/SSH_ORIGINAL_COMMAND|mktemp|\btee\b|\bcp\b|\btar\b|\bcat\b/);
    // Every output redirection goes to a descriptor or /dev/null.
    const targets = [...code.matchAll(/(?:^|\s)[0-9]?>>?\s*([^&\s;|)'][^\s;|)']*)/gm)].map((m) => m[1]);
    expect(targets.filter((t) => t !== '/dev/null')).toEqual([]);
  });
});
