import { COMMANDS, type CommandName, type Tool } from './commands.js';

/** How the live runner may start the fixed commands. Binary paths are configurable, arguments are not. */
export interface CommandSettings {
  xenpmPath: string;
  xlPath: string;
  dmesgPath: string;
  journalctlPath: string;
  /** Per command of the `tool` timeout class (--xenpm.timeout); the child's process group is killed at it. */
  timeoutMs: number;
  /** Per command of the `log` class: journalctl on a large journal may take longer than xenpm. */
  logTimeoutMs: number;
  /** Per stream; output beyond it is dropped and the result marked truncated. */
  maxOutputBytes: number;
  /** Commands that do not run by default but were asked for (see COMMANDS[…].optInBecause). */
  optIn: readonly CommandName[];
}

export const DEFAULT_COMMAND_SETTINGS: CommandSettings = {
  xenpmPath: 'xenpm',
  xlPath: 'xl',
  dmesgPath: 'dmesg',
  journalctlPath: 'journalctl',
  timeoutMs: 5_000,
  logTimeoutMs: 10_000,
  // get-cpufreq-states of a 4096-CPU host with 16 P-states is about 8 MB.
  maxOutputBytes: 8 * 1024 * 1024,
  optIn: [],
};

function binaryFor(tool: Exclude<Tool, 'kernel-log'>, s: CommandSettings): string {
  return tool === 'xenpm' ? s.xenpmPath : s.xlPath;
}

/** The fixed argv of a Xen tool command (the kernel log's fallbacks are chosen by its own runner). */
export function argvFor(name: CommandName, s: CommandSettings): string[] {
  const c = COMMANDS[name];
  return [c.tool === 'kernel-log' ? s.dmesgPath : binaryFor(c.tool, s), ...c.args];
}

export function timeoutFor(name: CommandName, s: CommandSettings): number {
  return COMMANDS[name].timeout === 'log' ? s.logTimeoutMs : s.timeoutMs;
}

/** Does this host run (or replay) the command: every default one, and the opt-in ones asked for. */
export function commandEnabled(name: CommandName, s: CommandSettings): boolean {
  return COMMANDS[name].runsByDefault || s.optIn.includes(name);
}

/** `journalctl` arguments for the dom0 kernel log of this boot (the live fallback). */
export const JOURNAL_KERNEL_ARGS = ['-k', '-b', '--no-pager', '-q', '-o', 'short'];
