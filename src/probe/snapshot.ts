import type { KernelLogLine } from './parse-kernel-log.js';
import type { TimeInStateEntry, TransTable } from './parse-sysfs-values.js';
import type { CommandName, CommandResult } from './host-root.js';
import type { CpufreqParaOutput } from '../xenpm/parse-cpufreq-para.js';
import type { CpufreqStatesOutput } from '../xenpm/parse-cpufreq-states.js';
import type { CpuidleStatesOutput } from '../xenpm/parse-cpuidle-states.js';
import type { CpuTopologyOutput } from '../xenpm/parse-cpu-topology.js';
import type { CpufreqAverageOutput } from '../xenpm/parse-cpufreq-average.js';
import type { XlInfo } from '../xenpm/parse-xl-info.js';
import type { XlDmesg } from '../xenpm/parse-xl-dmesg.js';

/** A value the host did not give us, and why (`<unknown>`, EAGAIN, permission denied …). */
export interface Absence {
  path: string;
  reason: string;
}

/** A source that failed in a way an operator should hear about (PROBE_FAILED). */
export interface ProbeProblem {
  source: string;
  path?: string;
  reason: string;
}

export interface PlatformSignals {
  hypervisorType: string | null;
  guestType: string | null;
  xenVersionSysfs: string | null;
  initdomain: boolean | null;
  /** PV dom0 start_flags: unknown08 = Xen wants C-state data, unknown09 = P-state data. */
  startFlagPmCx: boolean | null;
  startFlagPmPx: boolean | null;
  procXenPresent: boolean;
  /** Content of /proc/xen/capabilities; null when unreadable or absent. */
  xenCapabilities: string | null;
  xenCpuBusPresent: boolean;
  cpuinfoHypervisorFlag: boolean | null;
  cpuVendor: string | null;
  cpuModel: string | null;
  dmiSysVendor: string | null;
  dmiProductName: string | null;
  kernelCmdline: string | null;
}

export interface CpuEntry {
  cpu: number;
  /** null = the kernel does not say (cpu0 often has no `online` file: it is online). */
  online: boolean | null;
  coreId: number | null;
  packageId: number | null;
  threadSiblings: number[] | null;
  /** Name of the cpufreq policy directory serving this CPU, if any. */
  policy: string | null;
}

export interface CpuSets {
  online: number[] | null;
  offline: number[] | null;
  present: number[] | null;
  possible: number[] | null;
  cpus: CpuEntry[];
}

export interface CpufreqPolicy {
  name: string;
  relatedCpus: number[] | null;
  affectedCpus: number[] | null;
  driver: string | null;
  governor: string | null;
  availableGovernors: string[] | null;
  cpuinfoMinKhz: number | null;
  cpuinfoMaxKhz: number | null;
  cpuinfoCurKhz: number | null;
  cpuinfoAvgKhz: number | null;
  scalingMinKhz: number | null;
  scalingMaxKhz: number | null;
  scalingCurKhz: number | null;
  setspeedKhz: number | null;
  biosLimitKhz: number | null;
  baseFrequencyKhz: number | null;
  availableFrequenciesKhz: number[] | null;
  boostFrequenciesKhz: number[] | null;
  boost: boolean | null;
  epp: string | null;
  amdPstateMaxFreqKhz: number | null;
  transitionLatencyNs: number | null;
  timeInState: TimeInStateEntry[] | null;
  totalTransitions: number | null;
  transTable: TransTable | null;
}

export interface CpufreqGlobals {
  present: boolean;
  boost: boolean | null;
  intelPstate: { status: string | null; noTurbo: boolean | null; maxPerfPct: number | null; minPerfPct: number | null; turboPct: number | null; numPstates: number | null } | null;
  amdPstate: { status: string | null; prefcore: string | null } | null;
}

export interface CpuidleState {
  index: number;
  name: string | null;
  desc: string | null;
  latencyUs: number | null;
  residencyUs: number | null;
  usage: number | null;
  timeUs: number | null;
  disabled: boolean | null;
}

export interface CpuidleCpu {
  cpu: number;
  states: CpuidleState[];
}

export interface CpuidleInfo {
  driver: string | null;
  governor: string | null;
  cpus: CpuidleCpu[];
}

export interface XenDom0Signals {
  /** /sys/module/xen_acpi_processor exists. */
  moduleInSysfs: boolean | null;
  /** Built-in modules have no initstate file; loadable ones say `live`. */
  moduleInitstate: string | null;
  /** parameters/off (root only): 1 means hypercalls are inhibited. */
  moduleOff: boolean | null;
  procModulesLine: string | null;
  /** `modprobe.blacklist=`/`module_blacklist=` tokens naming the module on the kernel command line. */
  blacklistTokens: string[];
  /** /sys/devices/system/xen_cpu/xen_cpuN: physical CPUs and their online state (xen_cpu0 has none). */
  physicalCpus: Array<{ cpu: number; online: boolean | null }> | null;
}

export interface AcpiTablesScan {
  /** false when the tables could not be read (not root); null when this host has none. */
  readable: boolean | null;
  tables: string[];
  /** For each power-management object name, the tables it appears in. */
  objects: Record<'_PSS' | '_PCT' | '_PPC' | '_PSD' | '_CPC' | '_CST', string[]>;
  reason: string | null;
}

export interface KernelLogExtract {
  available: boolean;
  origin: string | null;
  error: string | null;
  linesSeen: number | null;
  truncated: boolean;
  lines: KernelLogLine[];
}

/** What one command said, without its full text (kept small for the report and metrics). */
export interface CommandSummary {
  name: CommandName;
  origin: string;
  available: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  truncated: boolean;
  error: string | null;
  durationMs: number;
  stderrLines: string[];
  emptyOutput: boolean;
}

export interface XenTools {
  para: CpufreqParaOutput | null;
  states: CpufreqStatesOutput | null;
  idle: CpuidleStatesOutput | null;
  topology: CpuTopologyOutput | null;
  average: CpufreqAverageOutput | null;
  xlInfo: XlInfo | null;
  xlDmesg: XlDmesg | null;
  commands: Partial<Record<CommandName, CommandSummary>>;
}

export interface Snapshot {
  takenAt: string;
  root: string;
  live: boolean;
  platform: PlatformSignals;
  cpus: CpuSets;
  cpufreq: { globals: CpufreqGlobals; policies: CpufreqPolicy[] };
  cpuidle: CpuidleInfo;
  dom0: XenDom0Signals;
  acpi: AcpiTablesScan;
  kernelLog: KernelLogExtract;
  xen: XenTools;
  absent: Absence[];
  problems: ProbeProblem[];
  durationsMs: Record<string, number>;
}

export function summarizeCommand(r: CommandResult): CommandSummary {
  return {
    name: r.name,
    origin: r.origin,
    available: r.available,
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    truncated: r.truncated,
    error: r.error,
    durationMs: Math.round(r.durationMs * 10) / 10,
    stderrLines: r.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 50),
    emptyOutput: r.stdout.trim() === '' && r.stderr.trim() === '',
  };
}
