import { spawn } from 'node:child_process';
import type { CommandName } from './commands.js';
import type { CommandFailure, CommandResult } from './command-result.js';

export interface SpawnLimits {
  timeoutMs: number;
  maxOutputBytes: number;
  lineFilter?: (line: string) => boolean;
}

const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Collects one stream with a byte cap, optionally keeping only the lines a filter accepts. */
export class StreamSink {
  private parts: string[] = [];
  private bytes = 0;
  private pending = '';
  truncated = false;
  /** A NUL byte: not the text any of the fixed commands prints. What follows is drained, not kept. */
  binary = false;
  linesSeen = 0;

  constructor(
    private readonly cap: number,
    private readonly filter?: (line: string) => boolean,
  ) {}

  push(chunk: Buffer): void {
    if (this.binary) return;
    if (chunk.includes(0)) {
      this.binary = true;
      return;
    }
    if (!this.filter) {
      if (this.bytes >= this.cap) {
        this.truncated = true;
        return;
      }
      const room = this.cap - this.bytes;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (chunk.length > room) this.truncated = true;
      this.parts.push(piece.toString('utf8'));
      this.bytes += piece.length;
      return;
    }
    const text = this.pending + chunk.toString('utf8');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    // A single "line" longer than the cap is garbage, not a log line: drop it.
    if (this.pending.length > this.cap) {
      this.pending = '';
      this.truncated = true;
    }
    for (const line of lines) this.keep(line);
  }

  private keep(line: string): void {
    this.linesSeen++;
    if (!this.filter!(line)) return;
    if (this.bytes + line.length + 1 > this.cap) {
      this.truncated = true;
      return;
    }
    this.parts.push(line + '\n');
    this.bytes += line.length + 1;
  }

  finish(): string {
    if (this.filter && this.pending) {
      this.keep(this.pending);
      this.pending = '';
    }
    return this.parts.join('');
  }
}

/**
 * Runs one fixed argv without a shell. The child gets its own process group so that a hung
 * xenpm (or anything it forked) is killed as a whole when the timeout fires; stdout and stderr
 * are kept apart, because xenpm reports failures on stderr while exiting 0.
 */
export function spawnCapped(name: CommandName, argv: string[], limits: SpawnLimits): Promise<CommandResult> {
  const started = performance.now();
  const origin = argv.join(' ');
  return new Promise((resolve) => {
    const out = new StreamSink(limits.maxOutputBytes, limits.lineFilter);
    const err = new StreamSink(Math.min(limits.maxOutputBytes, 1024 * 1024));
    let timedOut = false;
    let spawnError: { failure: CommandFailure; text: string } | null = null;
    let settled = false;
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: `${process.env.PATH ?? ''}:${SAFE_PATH}`, LANG: 'C', LC_ALL: 'C' },
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, limits.timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const stdout = out.finish();
      const binary = out.binary || err.binary;
      const failure: CommandFailure | null = spawnError ? spawnError.failure
        : timedOut ? 'timeout' : signal ? 'signal' : binary ? 'binary-output' : out.truncated || err.truncated ? 'truncated' : null;
      resolve({
        name,
        origin,
        available: spawnError === null,
        stdout,
        stderr: err.finish(),
        exitCode: code,
        signal: signal ?? null,
        timedOut,
        truncated: out.truncated || err.truncated,
        failure,
        error: spawnError?.text ?? (timedOut ? `killed after ${limits.timeoutMs} ms timeout` : binary ? 'printed binary data (NUL bytes): not command output, discarded' : null),
        durationMs: performance.now() - started,
        ...(limits.lineFilter ? { linesSeen: out.linesSeen } : {}),
      });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code === 'ENOENT'
        ? { failure: 'not-found', text: `${argv[0]}: command not found` }
        : { failure: 'spawn-failed', text: `${argv[0]}: ${e.code ?? ''} ${e.message}`.trim() };
      finish(null, null);
    });
    child.on('close', finish);
  });
}
