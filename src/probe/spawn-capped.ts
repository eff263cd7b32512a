import fs from 'node:fs';
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
    readonly cap: number,
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

/** How long the pipes may stay open after the child exited or was killed: longer means a descendant holds them. */
const PIPE_GRACE_MS = 250;

/** Process groups of the commands under way in this thread, so shutting down leaves none behind. */
const running = new Set<number>();

/** Kills every command still running (and its process group): the daemon is shutting down. */
export function killRunningCommands(): void {
  for (const pid of running) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  }
  running.clear();
}

/** Environment variable that marks every process a run starts, so descendants that escape its process group can be found. */
const RUN_MARK = 'XEN_PM_EXPORTER_RUN';
let runCounter = 0;

/** Processes still carrying a run's mark in their environment: descendants that outlived it. */
function markedProcesses(mark: string): Array<{ pid: number; cmd: string }> {
  const needle = Buffer.from(`${RUN_MARK}=${mark}\0`);
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (!fs.readFileSync(`/proc/${name}/environ`).includes(needle)) continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ').slice(0, 80);
      found.push({ pid: Number(name), cmd });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/**
 * Runs one fixed argv without a shell. The child gets its own process group so that a hung xenpm (or
 * anything it forked) is killed as a whole at the deadline; stdout and stderr are kept apart, because xenpm
 * reports failures on stderr while exiting 0. The deadline is on the result, whatever the pipes do: a
 * descendant that left the process group and keeps the output open is found, killed and reported.
 */
export function spawnCapped(name: CommandName, argv: string[], limits: SpawnLimits): Promise<CommandResult> {
  const started = performance.now();
  const origin = argv.join(' ');
  return new Promise((resolve) => {
    const out = new StreamSink(limits.maxOutputBytes, limits.lineFilter);
    const err = new StreamSink(Math.min(limits.maxOutputBytes, 1024 * 1024));
    let timedOut = false;
    let spawnError: { failure: CommandFailure; text: string } | null = null;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let leftovers: Array<{ pid: number; cmd: string }> = [];
    let settled = false;
    let grace: NodeJS.Timeout | null = null;
    const mark = `${process.pid}.${++runCounter}`;
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: `${process.env.PATH ?? ''}:${SAFE_PATH}`, LANG: 'C', LC_ALL: 'C', [RUN_MARK]: mark },
    });
    if (child.pid) running.add(child.pid);
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    /** The pipes did not close in time: descendants still alive are killed and named, and the result is final. */
    const giveUp = () => {
      leftovers = markedProcesses(mark);
      if (!leftovers.length && !timedOut) {
        // Nobody else holds the pipes: the rest of the output is still on its way (a loaded machine). The
        // deadline still bounds the wait.
        grace = setTimeout(giveUp, PIPE_GRACE_MS);
        return;
      }
      for (const h of leftovers) {
        try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      child.stdout.destroy();
      child.stderr.destroy();
      finish(exited?.code ?? null, exited?.signal ?? (timedOut ? 'SIGKILL' : null));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      grace ??= setTimeout(giveUp, PIPE_GRACE_MS);
    }, limits.timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (child.pid) running.delete(child.pid);
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      const stdout = out.finish();
      const binary = out.binary || err.binary;
      const failure: CommandFailure | null = spawnError ? spawnError.failure
        : timedOut ? 'timeout' : signal ? 'signal' : leftovers.length ? 'left-processes' : binary ? 'binary-output' : out.truncated || err.truncated ? 'truncated' : null;
      const left = leftovers.length ? `left ${leftovers.length} process(es) holding its output open, killed: ${leftovers.map((h) => `${h.pid} (${h.cmd})`).join(', ')}` : null;
      const why = spawnError?.text
        ?? (timedOut ? `killed after ${limits.timeoutMs} ms timeout` : signal ? `killed by ${signal}` : binary ? 'printed binary data (NUL bytes): not command output, discarded' : null);
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
        error: [why, left].filter(Boolean).join('; ') || null,
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
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      // Normally 'close' follows at once; if it does not, a descendant holds the pipes.
      grace ??= setTimeout(giveUp, PIPE_GRACE_MS);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => finish(code, signal));
  });
}
