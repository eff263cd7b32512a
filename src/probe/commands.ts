import type { CommandResult } from './command-result.js';
import type { KernelLogExtract } from './snapshot.js';
import { parseCpufreqPara, type CpufreqParaOutput } from '../xenpm/parse-cpufreq-para.js';
import { parseCpufreqStates, type CpufreqStatesOutput } from '../xenpm/parse-cpufreq-states.js';
import { parseCpuidleStates, type CpuidleStatesOutput } from '../xenpm/parse-cpuidle-states.js';
import { parseCpuTopology, type CpuTopologyOutput } from '../xenpm/parse-cpu-topology.js';
import { parseCpufreqAverage, type CpufreqAverageOutput } from '../xenpm/parse-cpufreq-average.js';
import { parseXlInfo, type XlInfo } from '../xenpm/parse-xl-info.js';
import { isRelevantXlDmesgLine, parseXlDmesg, type XlDmesg } from '../xenpm/parse-xl-dmesg.js';
import { isRelevantKernelLine } from './parse-kernel-log.js';
import { kernelLogExtract } from './kernel-log-extract.js';

/**
 * The fixed commands: the only programs the daemon (and the remote collector) ever runs, declared once.
 * The CommandName type, the live runner, the capture reader and writer, the snapshot's fields, the
 * collector script and the documentation all derive from this table. Adding a command is one entry here
 * plus its parser.
 */

/** What each command's parsed output is called in the snapshot. */
export interface ParsedOutputs {
  para: CpufreqParaOutput;
  states: CpufreqStatesOutput;
  idle: CpuidleStatesOutput;
  topology: CpuTopologyOutput;
  average: CpufreqAverageOutput;
  /** null when xl printed nothing on stdout. */
  xlInfo: XlInfo | null;
  xlDmesg: XlDmesg | null;
  kernelLog: KernelLogExtract;
}

/** Which binary a command runs. `kernel-log` is dmesg, with /dev/kmsg and the journal as live fallbacks. */
export type Tool = 'xenpm' | 'xl' | 'kernel-log';

/** `tool`: the Xen tools' timeout (--xenpm.timeout); `log`: the kernel log, which may legitimately take longer. */
export type TimeoutClass = 'tool' | 'log';

export interface CommandSpec<F extends keyof ParsedOutputs = keyof ParsedOutputs> {
  tool: Tool;
  /** Fixed arguments after the binary; nothing read from anywhere is ever added. */
  args: readonly string[];
  /** The snapshot field the parsed output fills. */
  field: F;
  timeout: TimeoutClass;
  runsByDefault: boolean;
  /** Why an opt-in command is off by default. */
  optInBecause?: string;
  /** Keep only the lines this accepts while streaming: huge outputs never sit in memory. */
  lineFilter?: (line: string) => boolean;
  /** Pure: the command's result (output, exit, failure) → typed values. Never throws. */
  parse: (r: CommandResult) => ParsedOutputs[F];
}

const spec = <F extends keyof ParsedOutputs>(s: CommandSpec<F>): CommandSpec<F> => s;

export const COMMANDS = {
  'xenpm-get-cpufreq-para': spec({
    tool: 'xenpm', args: ['get-cpufreq-para'], field: 'para', timeout: 'tool', runsByDefault: true,
    parse: (r) => parseCpufreqPara(r.stdout, r.stderr),
  }),
  'xenpm-get-cpufreq-states': spec({
    tool: 'xenpm', args: ['get-cpufreq-states'], field: 'states', timeout: 'tool', runsByDefault: true,
    parse: (r) => parseCpufreqStates(r.stdout, r.stderr),
  }),
  'xenpm-get-cpuidle-states': spec({
    tool: 'xenpm', args: ['get-cpuidle-states'], field: 'idle', timeout: 'tool', runsByDefault: true,
    parse: (r) => parseCpuidleStates(r.stdout, r.stderr),
  }),
  'xenpm-get-cpu-topology': spec({
    tool: 'xenpm', args: ['get-cpu-topology'], field: 'topology', timeout: 'tool', runsByDefault: true,
    parse: (r) => parseCpuTopology(r.stdout, r.stderr),
  }),
  'xenpm-get-cpufreq-average': spec({
    tool: 'xenpm', args: ['get-cpufreq-average'], field: 'average', timeout: 'tool', runsByDefault: false,
    optInBecause: 'it resets the APERF/MPERF averaging window Xen keeps once per CPU for every reader',
    parse: (r) => parseCpufreqAverage(r.stdout, r.stderr),
  }),
  'xl-info': spec({
    tool: 'xl', args: ['info'], field: 'xlInfo', timeout: 'tool', runsByDefault: true,
    parse: (r) => (r.stdout.trim() ? parseXlInfo(r.stdout) : null),
  }),
  'xl-dmesg': spec({
    tool: 'xl', args: ['dmesg'], field: 'xlDmesg', timeout: 'tool', runsByDefault: true,
    lineFilter: isRelevantXlDmesgLine,
    parse: (r) => (r.stdout.trim() ? parseXlDmesg(r.stdout) : null),
  }),
  dmesg: spec({
    tool: 'kernel-log', args: [], field: 'kernelLog', timeout: 'log', runsByDefault: true,
    lineFilter: isRelevantKernelLine,
    parse: kernelLogExtract,
  }),
} as const;

export type CommandName = keyof typeof COMMANDS;

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The commands that run one tool (`xenpm`, `xl`), in table order. */
export function commandsOf(tool: Tool, which: 'all' | 'default' = 'all'): CommandName[] {
  return COMMAND_NAMES.filter((n) => COMMANDS[n].tool === tool && (which === 'all' || COMMANDS[n].runsByDefault));
}

/** The Xen tools' part of the snapshot: one parsed field per command, null when it gave no output. */
export type XenToolFields = { [N in CommandName as (typeof COMMANDS)[N]['field'] extends 'kernelLog' ? never : (typeof COMMANDS)[N]['field']]: ParsedOutputs[(typeof COMMANDS)[N]['field']] | null };
