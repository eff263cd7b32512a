/**
 * The one I/O seam of the project. Every byte the probe looks at comes through a HostRoot:
 * files under a root directory (live "/" or a capture folder) and the fixed, recorded or
 * spawned commands. Nothing else in src/ touches the filesystem or spawns processes on the
 * probe path, so every reader runs unchanged against a capture.
 */

/** Why a file could not be read. `missing` is the normal "this host does not have it". */
export type ReadFailureKind = 'missing' | 'denied' | 'busy' | 'escape' | 'loop' | 'not-a-file' | 'io-error';

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; kind: ReadFailureKind; reason: string };

export type BytesResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; kind: ReadFailureKind; reason: string };

export type ListResult =
  | { ok: true; entries: string[] }
  | { ok: false; kind: ReadFailureKind; reason: string };

/** The fixed commands of the capture format; the daemon never runs anything else. */
export type CommandName =
  | 'xenpm-get-cpufreq-para'
  | 'xenpm-get-cpufreq-states'
  | 'xenpm-get-cpuidle-states'
  | 'xenpm-get-cpu-topology'
  | 'xenpm-get-cpufreq-average'
  | 'xl-info'
  | 'xl-dmesg'
  | 'dmesg';

export interface CommandResult {
  name: CommandName;
  /** Human description of what ran (argv joined) or which capture files were read. */
  origin: string;
  /** false when nothing is known: not captured, or the binary could not be started. */
  available: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Output hit the size cap and was cut. */
  truncated: boolean;
  /** Spawn failure (ENOENT, EACCES) or capture read failure, in words. */
  error: string | null;
  durationMs: number;
  /** Lines seen before the line filter, when one was applied. */
  linesSeen?: number;
}

export interface CommandOptions {
  /** Keep only the lines this accepts; output is streamed so huge logs never sit in memory. */
  lineFilter?: (line: string) => boolean;
}

export interface HostRoot {
  /** Absolute path of the root ("/" on a live host). */
  readonly path: string;
  /** true when commands are spawned, false when read back from `commands/`. */
  readonly live: boolean;
  readText(rel: string): ReadResult;
  readBytes(rel: string, maxBytes: number): BytesResult;
  list(rel: string): ListResult;
  exists(rel: string): boolean;
  runCommand(name: CommandName, options?: CommandOptions): Promise<CommandResult>;
}
