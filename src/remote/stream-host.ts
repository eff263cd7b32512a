import { posix } from 'node:path';
import type { BytesResult, HostRoot, ListResult, ReadResult } from '../probe/host-root.js';
import { COMMANDS, type CommandName } from '../probe/commands.js';
import { emptyResult, type CommandResult } from '../probe/command-result.js';
import { commandEnabled, type CommandSettings, DEFAULT_COMMAND_SETTINGS } from '../probe/command-settings.js';
import { StreamSink } from '../probe/spawn-capped.js';
import { chooseKernelLog, kernelLogVerdict } from '../probe/live-kernel-log.js';
import { KEEP_FILE } from '../probe/root-files.js';
import type { ProbeProblem } from '../probe/snapshot.js';
import type { StreamCapture, StreamCommand } from './stream-decoder.js';
import { STREAM_LIMITS } from './stream-limits.js';

/** The source name of problems with the stream itself (refused, incomplete) in the report. */
export const STREAM_SOURCE = 'remote-stream';

const MAX_TEXT_BYTES = STREAM_LIMITS.maxTextBytes;

const MISSING = { ok: false as const, kind: 'missing' as const, reason: 'ENOENT: not present' };

/**
 * A host root over a decoded capture stream: it answers exactly as a capture directory with the same
 * content would (src/probe/open-host.ts with RootFiles and readCapturedCommand). Commands are replayed,
 * never run; a command the stream does not hold is "not captured". `problems` carries what was wrong
 * with the stream or the transport, and the probe adds them to the snapshot (→ PROBE_FAILED).
 */
export class StreamHost implements HostRoot {
  readonly live = false;
  private readonly dirs = new Set<string>(['']);
  private readonly children = new Map<string, Set<string>>();
  private readonly settings: CommandSettings;

  constructor(
    /** Where the stream came from (`ssh://root@dom0`), for origins and messages. */
    readonly path: string,
    private readonly capture: StreamCapture | null,
    readonly problems: readonly ProbeProblem[] = [],
    settings: Partial<CommandSettings> = {},
  ) {
    this.settings = { ...DEFAULT_COMMAND_SETTINGS, ...settings };
    if (!capture) return;
    const note = (p: string, isDir: boolean) => {
      if (isDir) this.dirs.add(p);
      // Every entry implies the directories above it, as a directory tree would.
      let child = p;
      for (let parent = posix.dirname(child); ; parent = posix.dirname(child)) {
        const key = parent === '.' ? '' : parent;
        const set = this.children.get(key) ?? new Set<string>();
        set.add(posix.basename(child));
        this.children.set(key, set);
        if (key === '' || this.dirs.has(key)) break;
        this.dirs.add(key);
        child = key;
      }
    };
    for (const d of capture.dirs) note(d, true);
    for (const f of capture.files.keys()) note(f, false);
    for (const e of capture.errors.keys()) note(e, false);
  }

  /** The stream's metadata (collector, hostname, start time, uname). */
  get meta(): ReadonlyMap<string, string> {
    return this.capture?.meta ?? new Map();
  }

  private clean(rel: string): string {
    return posix.normalize('/' + rel).slice(1).replace(/\/+$/, '');
  }

  readText(rel: string): ReadResult {
    const r = this.readBytes(rel, MAX_TEXT_BYTES);
    return r.ok ? { ok: true, text: r.bytes.toString('utf8') } : r;
  }

  readBytes(rel: string, maxBytes: number): BytesResult {
    const p = this.clean(rel);
    const f = this.capture?.files.get(p);
    if (f) return { ok: true, bytes: f.bytes.length > maxBytes ? f.bytes.subarray(0, maxBytes) : f.bytes };
    const e = this.capture?.errors.get(p);
    if (e) return { ok: false, kind: e.kind, reason: e.reason };
    if (this.dirs.has(p)) return { ok: false, kind: 'not-a-file', reason: 'EISDIR: is a directory' };
    return MISSING;
  }

  list(rel: string): ListResult {
    const p = this.clean(rel);
    if (!this.dirs.has(p)) return MISSING;
    return { ok: true, entries: [...(this.children.get(p) ?? [])].filter((e) => e !== KEEP_FILE).sort() };
  }

  exists(rel: string): boolean {
    const p = this.clean(rel);
    return this.dirs.has(p) || !!this.capture?.files.has(p) || !!this.capture?.errors.has(p);
  }

  commandEnabled(name: CommandName): boolean {
    return commandEnabled(name, this.settings);
  }

  async runCommand(name: CommandName): Promise<CommandResult> {
    const blocks = this.capture?.commands.get(name) ?? [];
    if (!this.commandEnabled(name) || !blocks.length) {
      return emptyResult(name, `${this.path}: not in the stream`, 'not-captured', 'not captured');
    }
    if (COMMANDS[name].tool !== 'kernel-log') return this.replay(name, blocks[0]!).result;
    const primary = this.replay(name, blocks[0]!);
    const verdict = kernelLogVerdict(primary.result, primary.firstLine);
    if (verdict.usable) return primary.result;
    const journal = blocks[1] ? this.replay(name, blocks[1]).result : null;
    return chooseKernelLog(primary.result, verdict, journal);
  }

  /** One block as the command's result, through the same capped, filtered sink a capture's files go through. */
  private replay(name: CommandName, b: StreamCommand): { result: CommandResult; firstLine: string | null } {
    const spec = COMMANDS[name];
    const args = spec.tool === 'kernel-log' && !b.via.endsWith('dmesg') ? [] : spec.args;
    const origin = `${this.path}: ${[b.via, ...args].join(' ')}`;
    if (b.status?.kind === 'not-installed') {
      return { result: emptyResult(name, origin, 'not-found', `${b.via}: command not found on ${this.path}`), firstLine: null };
    }
    const filter = 'lineFilter' in spec ? spec.lineFilter : undefined;
    // The kernel log's first line, before the filter drops it, tells whether dmesg's ring wrapped.
    const first: { line: string | null } = { line: null };
    const out = new StreamSink(this.settings.maxOutputBytes, filter ? (line) => { first.line ??= line; return filter(line); } : undefined);
    const err = new StreamSink(Math.min(this.settings.maxOutputBytes, STREAM_LIMITS.maxStderrBytes));
    out.push(b.stdout);
    err.push(b.stderr);
    const stdout = out.finish();
    const stderr = err.finish();
    const timedOut = b.status?.kind === 'timeout';
    const binary = out.binary || err.binary;
    const truncated = out.truncated || err.truncated || b.stdoutTruncated || b.stderrTruncated;
    const result: CommandResult = {
      name,
      origin,
      available: true,
      stdout,
      stderr,
      exitCode: b.status?.kind === 'exit' ? b.status.code : null,
      signal: null,
      timedOut,
      truncated,
      failure: timedOut ? 'timeout' : binary ? 'binary-output' : truncated ? 'truncated' : b.status === null ? 'unreadable' : null,
      error: timedOut ? `killed at the collector's timeout on ${this.path}`
        : binary ? 'printed binary data (NUL bytes): not command output, discarded'
        : b.status === null ? 'the stream holds no exit status for it' : null,
      durationMs: 0,
      ...(filter ? { linesSeen: out.linesSeen } : {}),
    };
    return { result, firstLine: first.line };
  }
}
