import path from 'node:path';
import type { CommandName, CommandOptions, CommandResult, HostRoot } from './host-root.js';
import { RootFiles } from './root-files.js';
import { argvFor, type CommandSettings, DEFAULT_COMMAND_SETTINGS } from './command-catalog.js';
import { spawnCapped } from './spawn-capped.js';
import { readCapturedCommand } from './capture-commands.js';
import { readLiveKernelLog } from './live-kernel-log.js';

/**
 * Opens a host root. "/" is the live host (commands are spawned); any other directory is a
 * capture (commands are read back from `commands/`), per the capture-format contract.
 */
export type CommandSource = 'auto' | 'live' | 'capture';

export function openHost(root: string, settings: Partial<CommandSettings> = {}, commands: CommandSource = 'auto'): HostRoot {
  const s: CommandSettings = { ...DEFAULT_COMMAND_SETTINGS, ...settings };
  const abs = path.resolve(root);
  const files = new RootFiles(abs);
  // auto: spawn on the live root, read back from a capture. live on another root serves e.g. a
  // container that sees the host's /sys under /host but runs the host's xenpm itself.
  const live = commands === 'live' || (commands === 'auto' && abs === '/');
  return {
    path: abs,
    live,
    readText: (rel) => files.readText(rel),
    readBytes: (rel, max) => files.readBytes(rel, max),
    list: (rel) => files.list(rel),
    exists: (rel) => files.exists(rel),
    runCommand(name: CommandName, options: CommandOptions = {}): Promise<CommandResult> {
      if (!live) return readCapturedCommand(files, name, s.maxOutputBytes, options);
      if (name === 'xenpm-get-cpufreq-average' && !s.allowCpufreqAverage) {
        return Promise.resolve(notRun(name, 'disabled: it resets the averaging window Xen shares with other readers'));
      }
      if (name === 'dmesg') return readLiveKernelLog(s, options);
      return spawnCapped(name, argvFor(name, s), {
        timeoutMs: s.timeoutMs,
        maxOutputBytes: s.maxOutputBytes,
        lineFilter: options.lineFilter,
      });
    },
  };
}

function notRun(name: CommandName, why: string): CommandResult {
  return {
    name, origin: 'not run', available: false, stdout: '', stderr: '', exitCode: null, signal: null,
    timedOut: false, truncated: false, error: why, durationMs: 0,
  };
}
