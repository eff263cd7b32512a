import type { ReadFailureKind } from '../probe/host-root.js';
import { DECODE_LIMITS, STREAM_LIMITS } from './stream-limits.js';

/**
 * Decodes a capture stream (docs/capture-stream.md, version 1) into memory. Pure and incremental:
 * `push()` bytes as they arrive, `end()` once the sender is done. It never throws and never holds more
 * than its limits: the stream comes from a host that may be broken or hostile. The first violation of
 * the grammar or of a bound refuses the whole stream (nothing of it is used), because a stream that
 * breaks its own rules cannot be trusted in its other parts either.
 */

export interface StreamFile {
  kind: 'text' | 'binary';
  bytes: Buffer;
  /** The sender sent more than the per-file cap; the rest was dropped. */
  truncated: boolean;
}

export interface StreamReadError {
  kind: Exclude<ReadFailureKind, 'missing'>;
  reason: string;
}

export type StreamStatus = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'not-installed' };

export interface StreamCommand {
  /** The command table's name (`xenpm-get-cpufreq-para`). */
  name: string;
  /** What the collector ran: the binary's path. */
  via: string;
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  status: StreamStatus | null;
}

export interface StreamCapture {
  meta: Map<string, string>;
  /** Directories that exist (D entries). */
  dirs: Set<string>;
  files: Map<string, StreamFile>;
  /** Files that exist but could not be read (E entries). */
  errors: Map<string, StreamReadError>;
  /** Blocks per command name, in stream order (the kernel log may have two: dmesg, then the journal). */
  commands: Map<string, StreamCommand[]>;
  entries: number;
  bytes: number;
}

export type DecodeResult =
  | { ok: true; capture: StreamCapture }
  | { ok: false; reason: string; line: number; bytes: number };

export interface DecodeLimits {
  maxStreamBytes: number;
  maxEntries: number;
  maxLineBytes: number;
  maxPathBytes: number;
  maxPathDepth: number;
  maxTextBytes: number;
  maxBinaryBytes: number;
  maxCommandBytes: number;
  maxStderrBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  ...DECODE_LIMITS,
  maxTextBytes: STREAM_LIMITS.maxTextBytes,
  maxBinaryBytes: STREAM_LIMITS.maxBinaryBytes,
  maxCommandBytes: STREAM_LIMITS.maxCommandBytes,
  maxStderrBytes: STREAM_LIMITS.maxStderrBytes,
};

const HEADER = 'XPM-CAPTURE 1';
const SEGMENT = /^[A-Za-z0-9_.:+@,=-]+$/;
const META_KEY = /^[a-z][a-z0-9-]{0,31}$/;
const COMMAND_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const VIA = /^[\x21-\x7e]{1,255}$/;
const PRINTABLE = /^[\x20-\x7e]*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX_LINE = /^[0-9a-fA-F ]*$/;
const EMPTY = Buffer.alloc(0);
const ERROR_KINDS = new Set(['denied', 'busy', 'io-error', 'not-a-file', 'escape', 'loop']);
/** Blocks a command name may have: the kernel log's dmesg and its journal fallback, one for the rest. */
const MAX_BLOCKS: Record<string, number> = { dmesg: 2 };

/** A bounded piece of text for a refusal message: never the raw bytes of a hostile line. */
function quote(b: Buffer | string): string {
  const s = typeof b === 'string' ? b : b.subarray(0, 80).toString('latin1');
  return JSON.stringify(s.slice(0, 80).replace(/[^\x20-\x7e]/g, '?')) + (s.length > 80 || (typeof b !== 'string' && b.length > 80) ? '…' : '');
}

/** A root-relative path as the stream may name it, or why not. */
export function checkStreamPath(p: string, limits: Pick<DecodeLimits, 'maxPathBytes' | 'maxPathDepth'> = DEFAULT_DECODE_LIMITS): string | null {
  if (p.length === 0) return 'empty path';
  if (p.length > limits.maxPathBytes) return `path longer than ${limits.maxPathBytes} bytes`;
  if (p.startsWith('/')) return 'absolute path (escapes the root)';
  const segs = p.split('/');
  if (segs.length > limits.maxPathDepth) return `path deeper than ${limits.maxPathDepth} segments`;
  for (const s of segs) {
    if (s === '') return 'empty path segment';
    if (s === '.' || s === '..') return 'dot segment (escapes the root)';
    if (!SEGMENT.test(s)) return 'character outside [A-Za-z0-9_.:+@,=-] in a name';
  }
  return null;
}

/**
 * Collects one entry's content lines under a byte cap; lines are joined with "\n". The bytes are copied
 * into one growing buffer (no Buffer object per line: a 64-CPU stream has ~15,000 lines).
 */
class Content {
  private buf: Buffer = EMPTY;
  private size = 0;
  private lines = 0;
  truncated = false;
  constructor(private readonly cap: number) {}
  /** Adds src[from, to) as the next line. */
  add(src: Buffer, from: number, to: number): void {
    const sep = this.lines++ === 0 ? 0 : 1;
    if (this.truncated) return;
    const want = sep + (to - from);
    // Past the cap, what fits is kept (the separator first) and the rest dropped.
    if (this.size + want > this.cap) {
      this.truncated = true;
      to = from + Math.max(0, this.cap - this.size - sep);
      if (this.size === this.cap) return;
    }
    const need = this.size + sep + (to - from);
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.cap, Math.max(need, this.buf.length * 2, 64)));
      this.buf.copy(grown, 0, 0, this.size);
      this.buf = grown;
    }
    if (sep) this.buf[this.size++] = 0x0a;
    this.size += src.copy(this.buf, this.size, from, to);
  }
  get count(): number {
    return this.lines;
  }
  bytes(): Buffer {
    if (this.size === this.buf.length) return this.buf;
    const out = Buffer.allocUnsafe(this.size);
    this.buf.copy(out, 0, 0, this.size);
    return out;
  }
}

type Open =
  | { type: 'F'; path: string; content: Content }
  | { type: 'B'; path: string; encoding: 'base64' | 'hex'; text: string[]; encodedBytes: number; truncated: boolean }
  | { type: 'C'; cmd: StreamCommand; out: Content; err: Content }
  | null;

export class StreamDecoder {
  private readonly limits: DecodeLimits;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;
  private total = 0;
  private refusal: { reason: string; line: number } | null = null;
  private ended = false;
  private open: Open = null;
  private readonly seen = new Set<string>();
  readonly capture: StreamCapture = { meta: new Map(), dirs: new Set(), files: new Map(), errors: new Map(), commands: new Map(), entries: 0, bytes: 0 };

  constructor(limits: Partial<DecodeLimits> = {}) {
    this.limits = { ...DEFAULT_DECODE_LIMITS, ...limits };
  }

  /** The refusal so far, if any: a caller stops the sender as soon as this is set. */
  get refused(): string | null {
    return this.refusal ? `line ${this.refusal.line}: ${this.refusal.reason}` : null;
  }

  private refuse(reason: string): false {
    this.refusal ??= { reason, line: this.lineNo };
    this.pending = [];
    this.open = null;
    return false;
  }

  /** Feeds bytes; false once the stream is refused (further bytes are ignored). */
  push(chunk: Buffer): boolean {
    if (this.refusal) return false;
    this.total += chunk.length;
    if (this.total > this.limits.maxStreamBytes) return this.refuse(`stream larger than ${this.limits.maxStreamBytes} bytes`);
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.pendingBytes + (end - start) > this.limits.maxLineBytes) {
        this.lineNo++;
        return this.refuse(`line longer than ${this.limits.maxLineBytes} bytes`);
      }
      if (nl === -1) {
        this.pending.push(chunk.subarray(start));
        this.pendingBytes += chunk.length - start;
        break;
      }
      this.lineNo++;
      if (this.pending.length) {
        const line = Buffer.concat([...this.pending, chunk.subarray(start, nl)]);
        this.pending = [];
        this.pendingBytes = 0;
        if (!this.line(line, 0, line.length)) return false;
      } else if (!this.line(chunk, start, nl)) return false;
      start = nl + 1;
    }
    return true;
  }

  /** The sender is done: the decoded capture, or why the stream is refused. */
  end(): DecodeResult {
    if (!this.refusal && this.pendingBytes > 0) {
      this.lineNo++;
      this.refuse(this.ended ? 'bytes after END' : 'truncated: the stream stops in the middle of a line');
    }
    if (!this.refusal && this.lineNo === 0) this.refuse('empty stream');
    if (!this.refusal && !this.ended) this.refuse('truncated: no END line (the collector did not finish)');
    if (!this.refusal) this.checkTree();
    if (this.refusal) return { ok: false, reason: this.refusal.reason, line: this.refusal.line, bytes: this.total };
    this.capture.bytes = this.total;
    return { ok: true, capture: this.capture };
  }

  /** One line: buf[s, e) without its newline. */
  private line(buf: Buffer, s: number, e: number): boolean {
    if (this.ended) return this.refuse('data after END');
    const t = buf[s];
    // Content lines, most of a stream, are copied straight from the chunk into the open entry.
    if (t === 0x7c /* | */ && this.open?.type === 'F') {
      this.open.content.add(buf, s + 1, e);
      return true;
    }
    if ((t === 0x6f /* o */ || t === 0x65 /* e */) && buf[s + 1] === 0x20 && this.open?.type === 'C') {
      (t === 0x6f ? this.open.out : this.open.err).add(buf, s + 2, e);
      return true;
    }
    return this.otherLine(buf.subarray(s, e));
  }

  private otherLine(line: Buffer): boolean {
    if (this.lineNo === 1) {
      const head = line.toString('latin1');
      if (head === HEADER) return true;
      if (/^XPM-CAPTURE \d{1,6}$/.test(head)) return this.refuse(`unsupported stream version ${quote(head)} (this exporter reads version 1)`);
      return this.refuse(`not a capture stream: first line ${quote(line)}`);
    }
    const t = line[0];
    // Content lines: the open entry's bytes.
    if (t === 0x7c /* | */) {
      if (this.open?.type !== 'F') return this.refuse('"|" content line outside a file entry');
      this.open.content.add(line, 1, line.length);
      return true;
    }
    if (t === 0x3d /* = */) return this.binaryLine(line);
    if ((t === 0x6f /* o */ || t === 0x65 /* e */) && line[1] === 0x20) {
      if (this.open?.type !== 'C') return this.refuse(`"${String.fromCharCode(t)}" output line outside a command block`);
      (t === 0x6f ? this.open.out : this.open.err).add(line, 2, line.length);
      return true;
    }
    const text = line.toString('latin1');
    if (!PRINTABLE.test(text)) return this.refuse(`control character or non-ASCII byte in ${quote(line)}`);
    if (text === 't' || text === 'n' || text.startsWith('x ')) return this.status(text);
    this.closeOpen();
    const sp = text.indexOf(' ');
    const type = sp === -1 ? text : text.slice(0, sp);
    const rest = sp === -1 ? '' : text.slice(sp + 1);
    switch (type) {
      case 'M': return this.meta(rest);
      case 'D': case 'F': case 'B': case 'E': return this.pathEntry(type, rest);
      case 'C': return this.command(rest);
      case 'END': return this.endLine(rest);
      default: return this.refuse(`unknown line type ${quote(text)}`);
    }
  }

  private countEntry(): boolean {
    if (++this.capture.entries > this.limits.maxEntries) return this.refuse(`more than ${this.limits.maxEntries} entries`);
    return true;
  }

  private meta(rest: string): boolean {
    if (!this.countEntry()) return false;
    const sp = rest.indexOf(' ');
    const key = sp === -1 ? rest : rest.slice(0, sp);
    if (!META_KEY.test(key)) return this.refuse(`bad metadata key ${quote(key)}`);
    if (this.capture.meta.has(key)) return this.refuse(`metadata ${key} given twice`);
    this.capture.meta.set(key, sp === -1 ? '' : rest.slice(sp + 1, sp + 1 + 512));
    return true;
  }

  private pathEntry(type: 'D' | 'F' | 'B' | 'E', rest: string): boolean {
    if (!this.countEntry()) return false;
    const words = rest.split(' ');
    const p = words[0] ?? '';
    const bad = checkStreamPath(p, this.limits);
    if (bad) return this.refuse(`${bad}: ${quote(p)}`);
    if (this.seen.has(p)) return this.refuse(`path given twice: ${quote(p)}`);
    this.seen.add(p);
    switch (type) {
      case 'D':
        if (words.length !== 1) return this.refuse(`unexpected words after D ${quote(p)}`);
        this.capture.dirs.add(p);
        return true;
      case 'F':
        if (words.length !== 1) return this.refuse(`unexpected words after F ${quote(p)}`);
        this.open = { type: 'F', path: p, content: new Content(this.limits.maxTextBytes) };
        return true;
      case 'B': {
        const enc = words[1];
        if (words.length !== 2 || (enc !== 'base64' && enc !== 'hex')) return this.refuse(`B ${quote(p)} needs the encoding base64 or hex`);
        this.open = { type: 'B', path: p, encoding: enc, text: [], encodedBytes: 0, truncated: false };
        return true;
      }
      case 'E': {
        const kind = words[1] ?? '';
        if (!ERROR_KINDS.has(kind)) return this.refuse(`E ${quote(p)} has an unknown kind ${quote(kind)}`);
        const reason = words.slice(2).join(' ').slice(0, 200) || kind;
        this.capture.errors.set(p, { kind: kind as StreamReadError['kind'], reason });
        return true;
      }
    }
  }

  private binaryLine(line: Buffer): boolean {
    const o = this.open;
    if (o?.type !== 'B') return this.refuse('"=" data line outside a binary entry');
    const s = line.toString('latin1', 1);
    if (!(o.encoding === 'base64' ? BASE64_LINE : HEX_LINE).test(s)) return this.refuse(`bad ${o.encoding} data in ${quote(o.path)}`);
    if (o.truncated) return true;
    // Bytes this much encoded text stands for, roughly: stop keeping text past the cap.
    const perChar = o.encoding === 'base64' ? 3 / 4 : 1 / 3;
    if ((o.encodedBytes + s.length) * perChar > this.limits.maxBinaryBytes + 64) {
      o.truncated = true;
      return true;
    }
    o.text.push(s);
    o.encodedBytes += s.length;
    return true;
  }

  private command(rest: string): boolean {
    if (!this.countEntry()) return false;
    const words = rest.split(' ');
    const [name = '', via = ''] = words;
    if (words.length !== 2 || !COMMAND_NAME.test(name) || !VIA.test(via)) return this.refuse(`bad command header ${quote(`C ${rest}`)}`);
    const blocks = this.capture.commands.get(name) ?? [];
    if (blocks.length >= (MAX_BLOCKS[name] ?? 1)) return this.refuse(`command ${name} given more often than allowed`);
    const cmd: StreamCommand = { name, via, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), stdoutTruncated: false, stderrTruncated: false, status: null };
    blocks.push(cmd);
    this.capture.commands.set(name, blocks);
    this.open = { type: 'C', cmd, out: new Content(this.limits.maxCommandBytes), err: new Content(this.limits.maxStderrBytes) };
    return true;
  }

  private status(text: string): boolean {
    const o = this.open;
    if (o?.type !== 'C') return this.refuse(`status line ${quote(text)} outside a command block`);
    if (o.cmd.status) return this.refuse(`second status for ${o.cmd.name}`);
    if (text === 't') o.cmd.status = { kind: 'timeout' };
    else if (text === 'n') o.cmd.status = { kind: 'not-installed' };
    else {
      const m = /^x (\d{1,3})$/.exec(text);
      if (!m || Number(m[1]) > 255) return this.refuse(`bad exit status ${quote(text)}`);
      o.cmd.status = { kind: 'exit', code: Number(m[1]) };
    }
    return true;
  }

  private endLine(rest: string): boolean {
    this.closeOpen();
    if (!/^\d{1,9}$/.test(rest)) return this.refuse(`bad END line ${quote(`END ${rest}`)}`);
    if (Number(rest) !== this.capture.entries) return this.refuse(`END counts ${rest} entries, the stream held ${this.capture.entries}: entries were lost or added`);
    this.ended = true;
    return true;
  }

  /** Turns the open entry's collected lines into its value. */
  private closeOpen(): void {
    const o = this.open;
    this.open = null;
    if (!o) return;
    if (o.type === 'F') {
      this.capture.files.set(o.path, { kind: 'text', bytes: o.content.bytes(), truncated: o.content.truncated });
    } else if (o.type === 'B') {
      const joined = o.text.join('');
      let bytes = o.encoding === 'base64' ? Buffer.from(joined, 'base64') : Buffer.from(joined.replace(/ /g, ''), 'hex');
      let truncated = o.truncated;
      if (bytes.length > this.limits.maxBinaryBytes) {
        bytes = bytes.subarray(0, this.limits.maxBinaryBytes);
        truncated = true;
      }
      this.capture.files.set(o.path, { kind: 'binary', bytes, truncated });
    } else {
      // A block's output lines are joined with "\n": the collector ends each stream with one newline more.
      if (o.out.count) o.cmd.stdout = o.out.bytes();
      if (o.err.count) o.cmd.stderr = o.err.bytes();
      o.cmd.stdoutTruncated = o.out.truncated;
      o.cmd.stderrTruncated = o.err.truncated;
    }
  }

  /** No entry may sit below a file: the stream describes a tree. */
  private checkTree(): void {
    const fileLike = (p: string) => this.capture.files.has(p) || this.capture.errors.has(p);
    for (const p of this.seen) {
      for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) {
        if (fileLike(p.slice(0, i))) {
          this.refuse(`${quote(p)} lies below the file ${quote(p.slice(0, i))}`);
          return;
        }
      }
    }
  }
}

/** Decodes a whole stream held in memory. */
export function decodeStream(bytes: Buffer, limits: Partial<DecodeLimits> = {}): DecodeResult {
  const d = new StreamDecoder(limits);
  d.push(bytes);
  return d.end();
}
