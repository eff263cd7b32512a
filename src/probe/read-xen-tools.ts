import type { CommandName, CommandResult, HostRoot } from './host-root.js';
import { summarizeCommand, type XenTools } from './snapshot.js';
import { parseCpufreqPara } from '../xenpm/parse-cpufreq-para.js';
import { parseCpufreqStates } from '../xenpm/parse-cpufreq-states.js';
import { parseCpuidleStates } from '../xenpm/parse-cpuidle-states.js';
import { parseCpuTopology } from '../xenpm/parse-cpu-topology.js';
import { parseCpufreqAverage } from '../xenpm/parse-cpufreq-average.js';
import { parseXlInfo } from '../xenpm/parse-xl-info.js';
import { isRelevantXlDmesgLine, parseXlDmesg } from '../xenpm/parse-xl-dmesg.js';

/**
 * Runs (or reads back) the Xen tools in parallel and parses what they said. A command that
 * could not run at all leaves its parsed field null; its summary still says why.
 */
export async function readXenTools(host: HostRoot, includeAverage: boolean): Promise<XenTools> {
  const names: CommandName[] = [
    'xenpm-get-cpufreq-para', 'xenpm-get-cpufreq-states', 'xenpm-get-cpuidle-states', 'xenpm-get-cpu-topology',
    'xl-info', 'xl-dmesg',
  ];
  if (includeAverage) names.push('xenpm-get-cpufreq-average');
  const results = await Promise.all(
    names.map((n) => host.runCommand(n, n === 'xl-dmesg' ? { lineFilter: isRelevantXlDmesgLine } : {})),
  );
  const by = new Map(results.map((r) => [r.name, r] as const));
  const use = <T>(n: CommandName, parse: (r: CommandResult) => T): T | null => {
    const r = by.get(n);
    return r && r.available ? parse(r) : null;
  };
  const tools: XenTools = {
    para: use('xenpm-get-cpufreq-para', (r) => parseCpufreqPara(r.stdout, r.stderr)),
    states: use('xenpm-get-cpufreq-states', (r) => parseCpufreqStates(r.stdout, r.stderr)),
    idle: use('xenpm-get-cpuidle-states', (r) => parseCpuidleStates(r.stdout, r.stderr)),
    topology: use('xenpm-get-cpu-topology', (r) => parseCpuTopology(r.stdout, r.stderr)),
    average: use('xenpm-get-cpufreq-average', (r) => parseCpufreqAverage(r.stdout, r.stderr)),
    xlInfo: use('xl-info', (r) => (r.stdout.trim() ? parseXlInfo(r.stdout) : null)),
    xlDmesg: use('xl-dmesg', (r) => (r.stdout.trim() ? parseXlDmesg(r.stdout) : null)),
    commands: {},
  };
  for (const r of results) tools.commands[r.name] = summarizeCommand(r);
  return tools;
}

export function emptyXenTools(): XenTools {
  return { para: null, states: null, idle: null, topology: null, average: null, xlInfo: null, xlDmesg: null, commands: {} };
}
