import type { CommandName } from './host-root.js';

/** How the live runner may start the fixed commands. Paths are configurable, arguments are not. */
export interface CommandSettings {
  xenpmPath: string;
  xlPath: string;
  dmesgPath: string;
  journalctlPath: string;
  /** Per command; the child's whole process group is killed when it runs out. */
  timeoutMs: number;
  /** Per stream; output beyond it is dropped and the result marked truncated. */
  maxOutputBytes: number;
  /**
   * `xenpm get-cpufreq-average` resets the APERF/MPERF window that Xen keeps once per CPU for
   * every reader (XenServer's rrdd plugin included), so it only ever runs when asked for.
   */
  allowCpufreqAverage: boolean;
}

export const DEFAULT_COMMAND_SETTINGS: CommandSettings = {
  xenpmPath: 'xenpm',
  xlPath: 'xl',
  dmesgPath: 'dmesg',
  journalctlPath: 'journalctl',
  timeoutMs: 5_000,
  // get-cpufreq-states of a 4096-CPU host with 16 P-states is about 8 MB.
  maxOutputBytes: 8 * 1024 * 1024,
  allowCpufreqAverage: false,
};

export const ALL_COMMANDS: readonly CommandName[] = [
  'xenpm-get-cpufreq-para',
  'xenpm-get-cpufreq-states',
  'xenpm-get-cpuidle-states',
  'xenpm-get-cpu-topology',
  'xenpm-get-cpufreq-average',
  'xl-info',
  'xl-dmesg',
  'dmesg',
];

/** The fixed argv of each command (dmesg's fallbacks are chosen by the runner). */
export function argvFor(name: CommandName, s: CommandSettings): string[] {
  switch (name) {
    case 'xenpm-get-cpufreq-para':
      return [s.xenpmPath, 'get-cpufreq-para'];
    case 'xenpm-get-cpufreq-states':
      return [s.xenpmPath, 'get-cpufreq-states'];
    case 'xenpm-get-cpuidle-states':
      return [s.xenpmPath, 'get-cpuidle-states'];
    case 'xenpm-get-cpu-topology':
      return [s.xenpmPath, 'get-cpu-topology'];
    case 'xenpm-get-cpufreq-average':
      return [s.xenpmPath, 'get-cpufreq-average'];
    case 'xl-info':
      return [s.xlPath, 'info'];
    case 'xl-dmesg':
      return [s.xlPath, 'dmesg'];
    case 'dmesg':
      return [s.dmesgPath];
  }
}

export const JOURNAL_KERNEL_ARGS = ['-k', '-b', '--no-pager', '-q', '-o', 'short'];
