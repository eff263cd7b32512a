import type { CommandName } from './commands.js';
import { COMMANDS } from './commands.js';
import type { CommandFailure, CommandResult } from './command-result.js';
import type { RootFiles } from './root-files.js';
import { StreamSink } from './spawn-capped.js';

/** A recorded kernel log may be far larger than what is kept of it: it is streamed through the filter, up to this. */
const MAX_RECORDED_LOG_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Reads a recorded command back from `commands/NAME.{stdout,stderr,exit}` through the same verified,
 * non-blocking, regular-file-only, capped reads as every other file. A missing file is "this command was
 * not captured" (unknown), never "it printed nothing"; a file that exists but cannot be read, NUL bytes, or
 * output cut at the cap make the result a failure, whatever the exit file says.
 */
export async function readCapturedCommand(files: RootFiles, name: CommandName, maxOutputBytes: number): Promise<CommandResult> {
  const started = performance.now();
  const base = `commands/${name}`;
  const lineFilter = COMMANDS[name].lineFilter;
  const result: CommandResult = {
    name, origin: `capture ${base}.*`, available: false, stdout: '', stderr: '', exitCode: null, signal: null,
    timedOut: false, truncated: false, failure: null, error: null, durationMs: 0,
  };
  const problems: string[] = [];
  let failure: CommandFailure | null = null;
  for (const label of ['stdout', 'stderr'] as const) {
    const filtered = label === 'stdout' ? lineFilter : undefined;
    const sink = new StreamSink(label === 'stdout' ? maxOutputBytes : Math.min(maxOutputBytes, 1024 * 1024), filtered);
    // A filtered log is read whole (only the relevant lines are kept); anything else up to its cap, plus one byte to see it was cut.
    const readCap = filtered ? MAX_RECORDED_LOG_BYTES : sink.cap + 1;
    const r = await files.stream(`${base}.${label}`, readCap, (c) => sink.push(c));
    if (!r.ok) {
      if (r.kind !== 'missing') {
        problems.push(`${base}.${label}: ${r.reason}`);
        failure ??= 'unreadable';
      }
      continue;
    }
    result.available = true;
    const text = sink.finish();
    if (label === 'stdout') {
      result.stdout = text;
      if (filtered) result.linesSeen = sink.linesSeen;
    } else {
      result.stderr = text;
    }
    if (sink.binary) {
      problems.push(`${base}.${label}: binary data (NUL bytes): not command output, discarded from there on`);
      failure ??= 'binary-output';
    }
    if (sink.truncated || r.truncated) {
      result.truncated = true;
      problems.push(`${base}.${label}: output exceeded the size cap`);
      failure ??= 'truncated';
    }
  }
  const exit = files.readText(`${base}.exit`);
  if (exit.ok) {
    const code = /^\s*(\d{1,3})\s*$/.exec(exit.text);
    if (code) {
      result.exitCode = Number(code[1]);
      result.available = true;
    } else {
      problems.push(`${base}.exit: not an exit status: ${JSON.stringify(exit.text.slice(0, 40))}`);
      failure ??= 'unreadable';
    }
  } else if (exit.kind !== 'missing') {
    problems.push(`${base}.exit: ${exit.reason}`);
    failure ??= 'unreadable';
  } else if (result.available) {
    result.exitCode = 0;
  }
  if (!result.available && !problems.length) {
    result.failure = 'not-captured';
    result.error = 'not captured';
  } else {
    // An output that exists but could not be read is a failed source even when the exit status could be.
    result.failure = failure;
    result.error = problems.length ? problems.join('; ') : null;
  }
  result.durationMs = performance.now() - started;
  return result;
}
