import type { KernelLogLine } from './parse-kernel-log.js';
import type { XenRelease } from './hypervisor-names.js';
import type { XenPmOptions } from '../xenpm/xen-command-line.js';
import type { TimeInStateEntry, TransTable } from './parse-sysfs-values.js';
import type { CommandName, XenToolFields } from './commands.js';
import type { CommandFailure, CommandResult } from './command-result.js';

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
  /** The host's name: capture.json's `hostname` in a capture, /proc/sys/kernel/hostname otherwise; null if unset. */
  hostname: string | null;
  hypervisorType: string | null;
  guestType: string | null;
  xenVersionSysfs: string | null;
  initdomain: boolean | null;
  /** PV dom0 start_flags: unknown08 = Xen wants C-state data, unknown09 = P-state data. */
  startFlagPmCx: boolean | null;
  startFlagPmPx: boolean | null;
  /** The release in /sys/hypervisor/version, parsed. */
  xenReleaseSysfs: XenRelease | null;
  procXenPresent: boolean;
  /** Words of /proc/xen/capabilities (`control_d` in dom0, none in a domU); null when unreadable or absent. */
  xenCapabilities: string[] | null;
  xenCpuBusPresent: boolean;
  cpuinfoHypervisorFlag: boolean | null;
  cpuVendor: string | null;
  cpuModel: string | null;
  dmiSysVendor: string | null;
  dmiProductName: string | null;
  /** The hypervisor the DMI vendor or product names, if any. */
  dmiHypervisor: string | null;
  /** DMI sys_vendor is exactly `Xen` (Xen HVM guests' SMBIOS). */
  dmiSaysXen: boolean;
  kernelCmdline: string | null;
  /** Kernel command-line tokens that limit C-states (`intel_idle.max_cstate=`, `processor.max_cstate=`, `idle=`, `cpuidle.off=1`). */
  kernelIdleLimits: string[];
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
  /** The log was read and may be believed. */
  available: boolean;
  origin: string | null;
  /** Why not: not captured (unknown) or a real failure (restricted, unreadable, NUL bytes …). */
  failure: CommandFailure | 'exit-status' | null;
  error: string | null;
  linesSeen: number | null;
  truncated: boolean;
  lines: KernelLogLine[];
}

/** What one command said, without its full text (kept small for the report and metrics). */
export type CommandSummary = Omit<CommandResult, 'stdout' | 'stderr' | 'linesSeen'> & {
  /** The first stderr lines, trimmed, for evidence. */
  stderrLines: string[];
  emptyOutput: boolean;
};

/** What the Xen tools said: one parsed field per command of the table (null: no output), and each command's summary. */
export type XenTools = XenToolFields & {
  commands: Partial<Record<CommandName, CommandSummary>>;
  /** The Xen release xl reported, parsed. */
  release: XenRelease | null;
  /** What the Xen command line (xl info, else the console's `Command line:`) says about power management. */
  options: { source: 'xl info xen_commandline' | 'xl dmesg Command line'; options: XenPmOptions } | null;
};

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
    failure: r.failure,
    error: r.error,
    durationMs: Math.round(r.durationMs * 10) / 10,
    stderrLines: r.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 50),
    emptyOutput: r.stdout.trim() === '' && r.stderr.trim() === '',
  };
}
