import path from 'node:path';
import type { HostRoot } from './host-root.js';
import { COMMANDS, type CommandName } from './commands.js';
import { emptyResult, type CommandResult } from './command-result.js';
import { RootFiles } from './root-files.js';
import { argvFor, commandEnabled, type CommandSettings, DEFAULT_COMMAND_SETTINGS, timeoutFor } from './command-settings.js';
import { spawnCapped } from './spawn-capped.js';
import { readCapturedCommand } from './capture-commands.js';
import { readLiveKernelLog } from './live-kernel-log.js';

/** Where the fixed commands' output comes from: spawned (live), read back (capture), or chosen by the root. */
export type CommandSource = 'auto' | 'live' | 'capture';

/** What opens a host: its root directory, where command output comes from, and how commands run. */
export interface HostOptions {
  root: string;
  commands: CommandSource;
  settings: Partial<CommandSettings>;
}

/**
 * Opens a host root directory. "/" is the live host (commands are spawned); any other directory is a
 * capture (commands are read back from `commands/`), as docs/capture-format.md describes.
 */
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
    commandEnabled: (name) => commandEnabled(name, s),
    runCommand: (name) => (live ? runLive(name, s) : readCapturedCommand(files, name, s.maxOutputBytes)),
  };
}

/** Spawns one fixed command (no shell, fixed argv, deadline, output cap), or says why it was not run. */
function runLive(name: CommandName, s: CommandSettings): Promise<CommandResult> {
  const spec = COMMANDS[name];
  if (!commandEnabled(name, s)) {
    return Promise.resolve(emptyResult(name, 'not run', 'not-run', `disabled: ${'optInBecause' in spec ? spec.optInBecause : 'off by default'}`));
  }
  if (spec.tool === 'kernel-log') return readLiveKernelLog(s);
  return spawnCapped(name, argvFor(name, s), {
    timeoutMs: timeoutFor(name, s),
    maxOutputBytes: s.maxOutputBytes,
    ...('lineFilter' in spec ? { lineFilter: spec.lineFilter } : {}),
  });
}
