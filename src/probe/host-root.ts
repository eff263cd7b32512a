import type { CommandName } from './commands.js';
import type { CommandResult } from './command-result.js';
import type { ProbeProblem } from './snapshot.js';

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

export interface HostRoot {
  /** Absolute path of the root ("/" on a live host), or a description of where a streamed capture came from. */
  readonly path: string;
  /** true when commands are spawned, false when read back from a capture. */
  readonly live: boolean;
  readText(rel: string): ReadResult;
  readBytes(rel: string, maxBytes: number): BytesResult;
  list(rel: string): ListResult;
  exists(rel: string): boolean;
  /** Whether this host runs (or replays) the command: the default ones and the opt-in ones asked for. */
  commandEnabled(name: CommandName): boolean;
  /** Runs (live) or reads back (capture) one fixed command; never rejects. */
  runCommand(name: CommandName): Promise<CommandResult>;
  /**
   * What went wrong with the root itself rather than with one file: a remote capture stream that was
   * refused or incomplete, an SSH connection that failed. The probe adds them to the snapshot's problems.
   */
  readonly problems?: readonly ProbeProblem[];
}
