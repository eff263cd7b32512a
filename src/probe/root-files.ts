import fs from 'node:fs';
import path from 'node:path';
import type { BytesResult, ListResult, ReadFailureKind, ReadResult } from './host-root.js';

/** sysfs/procfs text files are tiny; anything larger than this is not what we expect to read. */
const MAX_TEXT_BYTES = 256 * 1024;

/** Placeholder that keeps an empty directory of a capture alive in git. */
export const KEEP_FILE = '.keep';

function classify(err: unknown): { kind: ReadFailureKind; reason: string } {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'ENODEV':
    case 'ENXIO':
      return { kind: 'missing', reason: `${e.code}: not present` };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'denied', reason: `${e.code}: permission denied` };
    case 'EAGAIN':
    case 'EBUSY':
      return { kind: 'busy', reason: `${e.code}: resource temporarily unavailable` };
    case 'ELOOP':
      return { kind: 'loop', reason: 'ELOOP: symlink loop' };
    case 'EISDIR':
      return { kind: 'not-a-file', reason: 'EISDIR: is a directory' };
    default:
      return { kind: 'io-error', reason: `${e.code ?? 'error'}: ${e.message ?? String(err)}` };
  }
}

/**
 * Reads files below one root directory. Symlinks are followed only while they stay inside
 * the root (a capture's `cpuN/cpufreq -> ../cpufreq/policyN` works; a link to the host's real
 * /sys does not). On the live root "/" every path is inside by definition.
 */
export class RootFiles {
  private readonly realRoot: string;
  private readonly dirCache = new Map<string, string | { kind: ReadFailureKind; reason: string }>();
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(readonly root: string) {
    this.realRoot = fs.realpathSync.native(root);
  }

  private get isSystemRoot(): boolean {
    return this.realRoot === '/';
  }

  private inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }

  /** The real path of a root-relative directory, checked to lie inside the root; cached. */
  private realDir(dir: string): string | { kind: ReadFailureKind; reason: string } {
    let realDir = this.dirCache.get(dir);
    if (realDir === undefined) {
      try {
        const r = fs.realpathSync.native(path.join(this.realRoot, dir));
        realDir = this.inside(r) ? r : { kind: 'escape', reason: `symlink leads outside the root (${dir})` };
      } catch (err) {
        realDir = classify(err);
      }
      this.dirCache.set(dir, realDir);
    }
    return realDir;
  }

  /** Resolve a root-relative path to a real path that is guaranteed to lie inside the root. */
  resolve(rel: string): { ok: true; real: string } | { ok: false; kind: ReadFailureKind; reason: string } {
    const clean = path.posix.normalize('/' + rel).slice(1);
    if (this.isSystemRoot) return { ok: true, real: '/' + clean };
    const realDir = this.realDir(path.posix.dirname(clean));
    if (typeof realDir !== 'string') return { ok: false, ...realDir };
    const full = path.join(realDir, path.posix.basename(clean));
    try {
      if (!fs.lstatSync(full).isSymbolicLink()) return { ok: true, real: full };
      const r = fs.realpathSync.native(full);
      if (!this.inside(r)) return { ok: false, kind: 'escape', reason: `symlink leads outside the root (${clean})` };
      return { ok: true, real: r };
    } catch (err) {
      return { ok: false, ...classify(err) };
    }
  }

  readText(rel: string): ReadResult {
    const res = this.readRaw(rel, MAX_TEXT_BYTES);
    if (!res.ok) return res;
    return { ok: true, text: res.bytes.toString('utf8') };
  }

  readBytes(rel: string, maxBytes: number): BytesResult {
    return this.readRaw(rel, maxBytes);
  }

  /**
   * Opens `rel` for reading. Fast path (one syscall): the directory's real path is cached and the
   * file is opened with O_NOFOLLOW; only when the last component is a symlink (ELOOP) does the full
   * containment check run. O_NONBLOCK: a FIFO planted in a capture reads as empty instead of hanging.
   */
  private open(rel: string): { ok: true; fd: number } | { ok: false; kind: ReadFailureKind; reason: string } {
    const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
    const clean = path.posix.normalize('/' + rel).slice(1);
    if (!this.isSystemRoot) {
      const realDir = this.realDir(path.posix.dirname(clean));
      if (typeof realDir === 'string') {
        try {
          return { ok: true, fd: fs.openSync(path.join(realDir, path.posix.basename(clean)), flags | fs.constants.O_NOFOLLOW) };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ELOOP') return { ok: false, ...classify(err) };
        }
      }
    }
    const where = this.resolve(rel);
    if (!where.ok) return where;
    try {
      return { ok: true, fd: fs.openSync(where.real, flags) };
    } catch (err) {
      return { ok: false, ...classify(err) };
    }
  }

  private readRaw(rel: string, maxBytes: number): BytesResult {
    const opened = this.open(rel);
    if (!opened.ok) return opened;
    const fd = opened.fd;
    try {
      // Read in chunks up to a cap: procfs reports size 0 and some sysfs files never end. A short
      // read is the end: sysfs hands over a whole attribute at once, seq_file and regular files fill
      // the buffer until their end.
      const chunks: Buffer[] = [];
      let total = 0;
      while (total < maxBytes) {
        const want = Math.min(this.scratch.length, maxBytes - total);
        const n = fs.readSync(fd, this.scratch, 0, want, null);
        if (n === 0) break;
        chunks.push(Buffer.from(this.scratch.subarray(0, n)));
        total += n;
        if (n < want) break;
      }
      if (total === 0) {
        // Only an empty read pays for fstat: tell an empty file from a FIFO or a device.
        const st = fs.fstatSync(fd);
        if (!st.isFile()) {
          const what = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'a directory';
          return { ok: false, kind: 'not-a-file', reason: `not a regular file (${what})` };
        }
      }
      return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
    } catch (err) {
      return { ok: false, ...classify(err) };
    } finally {
      fs.closeSync(fd);
    }
  }

  list(rel: string): ListResult {
    const where = this.resolve(rel);
    if (!where.ok) return where;
    try {
      // `.keep` marks an empty directory in a capture (git and many archivers drop empty ones).
      return { ok: true, entries: fs.readdirSync(where.real).filter((e) => e !== KEEP_FILE).sort() };
    } catch (err) {
      return { ok: false, ...classify(err) };
    }
  }

  exists(rel: string): boolean {
    const where = this.resolve(rel);
    if (!where.ok) return false;
    try {
      fs.statSync(where.real);
      return true;
    } catch {
      return false;
    }
  }
}
