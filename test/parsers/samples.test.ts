import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { parseCpufreqPara } from '../../src/xenpm/parse-cpufreq-para.js';
import { parseCpufreqStates } from '../../src/xenpm/parse-cpufreq-states.js';
import { parseCpuidleStates } from '../../src/xenpm/parse-cpuidle-states.js';
import { parseCpuTopology } from '../../src/xenpm/parse-cpu-topology.js';
import { parseCpufreqAverage } from '../../src/xenpm/parse-cpufreq-average.js';
import { classifyStream, type XenpmMessage } from '../../src/xenpm/parse-messages.js';

/**
 * Every format sample in test/samples is understood completely: no line of a xenpm sample ends up
 * `unrecognized`. A sample (or a parser) that drifts from the format strings fails here.
 */
const DIR = path.join(REPO, 'test/samples');
const PARSERS: Array<[RegExp, (out: string, err: string) => { messages: XenpmMessage[] }]> = [
  [/get-cpufreq-para/, parseCpufreqPara],
  [/get-cpufreq-states/, parseCpufreqStates],
  [/get-cpuidle-states/, parseCpuidleStates],
  [/get-cpu-topology/, parseCpuTopology],
  [/get-cpufreq-average/, parseCpufreqAverage],
];

const read = (name: string) => (fs.existsSync(path.join(DIR, name)) ? fs.readFileSync(path.join(DIR, name), 'utf8') : '');
const xenpmCases = [...new Set(fs.readdirSync(DIR).filter((f) => /^xenpm-.*\.(stdout|stderr)$/.test(f)).map((f) => f.replace(/\.(stdout|stderr)$/, '')))].sort();

describe('format samples are understood completely', () => {
  it('the samples folder holds every era the parsers claim (at least 30 xenpm cases)', () => {
    expect(xenpmCases.length).toBeGreaterThanOrEqual(30);
  });
  for (const base of xenpmCases) {
    it(base, () => {
      const out = read(`${base}.stdout`);
      const err = read(`${base}.stderr`);
      const parser = PARSERS.find(([re]) => re.test(base))?.[1];
      // Error samples without a subcommand are classified as a stream.
      const messages = parser ? parser(out, err).messages : classifyStream(out + err);
      expect(messages.filter((m) => m.kind === 'unrecognized').map((m) => m.line)).toEqual([]);
      if (!parser) expect(messages.length).toBeGreaterThan(0);
    });
  }
});
