import type { CommandName } from './commands.js';

/** Why a command gave no usable answer, when it did not. */
export type CommandFailure =
  | 'not-captured' // the capture holds nothing for it: unknown, not an error
  | 'not-run' // deliberately not run (an opt-in command)
  | 'not-found' // the binary is not installed / not on PATH
  | 'spawn-failed' // it could not be started (EACCES, ENOMEM …)
  | 'unreadable' // a capture file exists but could not be read
  | 'timeout' // killed at its deadline
  | 'signal' // killed by a signal
  | 'left-processes' // exited, but descendants outside its process group kept its output open
  | 'binary-output' // printed NUL bytes: not the text any fixed command prints
  | 'truncated'; // output cut at the size cap

export interface CommandResult {
  name: CommandName;
  /** Human description of what ran (argv joined) or which capture files were read. */
  origin: string;
  /** false when nothing is known: not captured, not run, or the binary could not be started. */
  available: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Output hit the size cap and was cut. */
  truncated: boolean;
  /** The first reason the answer is unusable, typed; null when the command answered normally. */
  failure: CommandFailure | null;
  /** The failure in words, for evidence. */
  error: string | null;
  durationMs: number;
  /** Lines seen before the line filter, when one was applied. */
  linesSeen?: number;
}

/** A result that carries no output at all (not captured, not run, not startable). */
export function emptyResult(name: CommandName, origin: string, failure: CommandFailure, error: string): CommandResult {
  return {
    name, origin, available: false, stdout: '', stderr: '', exitCode: null, signal: null, timedOut: false,
    truncated: false, failure, error, durationMs: 0,
  };
}

/**
 * Whether a result's output may be parsed and believed: it answered, and nothing cut it short in a way
 * that makes its silence or its partial text misleading. Cut at the cap or a stray descendant still leaves
 * real text (the failure is reported all the same); a timeout, a signal, NUL bytes or an unreadable file do not.
 */
export function outputUsable(r: Pick<CommandResult, 'available' | 'failure'>): boolean {
  return r.available && (r.failure === null || r.failure === 'truncated' || r.failure === 'left-processes');
}
