import fs from 'node:fs';
import type { CommandName } from './commands.js';
import { COMMANDS } from './commands.js';
import type { CommandResult } from './command-result.js';
import type { RootFiles } from './root-files.js';
import { StreamSink } from './spawn-capped.js';

function readStream(real: string, sink: StreamSink): Promise<string | null> {
  return new Promise((resolve) => {
    const s = fs.createReadStream(real, { highWaterMark: 256 * 1024 });
    s.on('data', (c) => sink.push(c as Buffer));
    s.on('error', (e) => resolve(e.message));
    s.on('end', () => resolve(null));
  });
}

/**
 * Reads a recorded command back from `commands/NAME.{stdout,stderr,exit}`. A missing file is
 * "this command was not captured" (unknown), never "it printed nothing".
 */
export async function readCapturedCommand(files: RootFiles, name: CommandName, maxOutputBytes: number): Promise<CommandResult> {
  const started = performance.now();
  const base = `commands/${name}`;
  const lineFilter = COMMANDS[name].lineFilter;
  const out = files.resolve(`${base}.stdout`);
  const err = files.resolve(`${base}.stderr`);
  const exit = files.readText(`${base}.exit`);
  const result: CommandResult = {
    name,
    origin: `capture ${base}.*`,
    available: false,
    stdout: '',
    stderr: '',
    exitCode: null,
    signal: null,
    timedOut: false,
    truncated: false,
    failure: null,
    error: null,
    durationMs: 0,
  };
  const problems: string[] = [];
  for (const [where, label] of [[out, 'stdout'], [err, 'stderr']] as const) {
    if (!where.ok) {
      if (where.kind !== 'missing') problems.push(`${base}.${label}: ${where.reason}`);
      continue;
    }
    const sink = new StreamSink(maxOutputBytes, label === 'stdout' ? lineFilter : undefined);
    const failure = await readStream(where.real, sink);
    if (failure) {
      problems.push(`${base}.${label}: ${failure}`);
      continue;
    }
    result.available = true;
    result.truncated ||= sink.truncated;
    if (label === 'stdout') {
      result.stdout = sink.finish();
      if (lineFilter) result.linesSeen = sink.linesSeen;
    } else {
      result.stderr = sink.finish();
    }
  }
  if (exit.ok) {
    const code = Number.parseInt(exit.text.trim(), 10);
    if (Number.isFinite(code)) {
      result.exitCode = code;
      result.available = true;
    } else {
      problems.push(`${base}.exit: not a number: ${JSON.stringify(exit.text.slice(0, 40))}`);
    }
  } else if (result.available) {
    result.exitCode = 0;
  }
  if (!result.available) {
    result.error = problems[0] ?? 'not captured';
    result.failure = problems.length ? 'unreadable' : 'not-captured';
  } else if (problems.length) {
    result.error = problems.join('; ');
  }
  if (result.available && result.truncated) result.failure = 'truncated';
  result.durationMs = performance.now() - started;
  return result;
}
