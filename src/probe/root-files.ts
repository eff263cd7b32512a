import fs from 'node:fs';
import path from 'node:path';
import type { BytesResult, ListResult, ReadFailureKind, ReadResult } from './host-root.js';

/** sysfs/procfs text files are tiny; anything larger than this is not what we expect to read. */
const MAX_TEXT_BYTES = 256 * 1024;

/** Placeholder that keeps an empty directory of a capture alive in git. */
export const KEEP_FILE = '.keep';

type OpenResult = { ok: true; fd: number } | { ok: false; kind: ReadFailureKind; reason: string };

/** A root-relative path with nothing to normalise (no `.`/`..` segments, no doubled or edge slashes). */
const CLEAN = /^(?!\/)(?!.*\/\/)(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/$).+$/;
const EMPTY = Buffer.alloc(0);

/** A reason when the descriptor is not a regular file (a FIFO, a socket, a device, a directory). */
function notRegular(fd: number): { kind: ReadFailureKind; reason: string } | null {
  const st = fs.fstatSync(fd);
  return st.isFile() ? null : { kind: 'not-a-file', reason: `not a regular file (${describeType(st)})` };
}

function describeType(st: fs.Stats): string {
  return st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isDirectory() ? 'a directory' : 'a special file';
}

/** Async chunked reads from a descriptor we already verified (fs.read with our own buffer, no stream machinery). */
class FileHandleReader {
  private readonly buf = Buffer.allocUnsafe(256 * 1024);
  constructor(private readonly fd: number) {}
  read(max: number): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      if (max <= 0) return resolve(null);
      fs.read(this.fd, this.buf, 0, Math.min(max, this.buf.length), null, (err, n) => {
        if (err) reject(err);
        else resolve(n === 0 ? null : Buffer.from(this.buf.subarray(0, n)));
      });
    });
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

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
    const res = this.readRaw(rel, MAX_TEXT_BYTES, true);
    if (!res.ok) return res;
    return { ok: true, text: res.text ?? res.bytes.toString('utf8') };
  }

  readBytes(rel: string, maxBytes: number): BytesResult {
    return this.readRaw(rel, maxBytes, false);
  }

  /**
   * Opens `rel` for reading, refusing what could hang, escape or mislead the reader. O_NONBLOCK: a FIFO
   * never blocks the open. Below a capture (any root but "/"): the directory's real path is cached and the
   * file opened with O_NOFOLLOW (a last-component symlink takes the full containment check), and then the
   * open descriptor itself is checked — a regular file, whose real location lies inside the root — so a
   * directory swapped for a symlink after the cache was filled cannot lead the read outside. On the live
   * root, sysfs and procfs are the kernel's own files and only an empty read pays for fstat.
   */
  private open(rel: string, checkType: boolean): OpenResult {
    const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
    const clean = CLEAN.test(rel) ? rel : path.posix.normalize('/' + rel).slice(1);
    let fd: number | null = null;
    try {
      if (!this.isSystemRoot) {
        const realDir = this.realDir(path.posix.dirname(clean));
        if (typeof realDir === 'string') {
          try {
            fd = fs.openSync(path.join(realDir, path.posix.basename(clean)), flags | fs.constants.O_NOFOLLOW);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ELOOP') return { ok: false, ...classify(err) };
          }
        }
      }
      if (fd === null) {
        const where = this.resolve(rel);
        if (!where.ok) return where;
        fd = fs.openSync(where.real, flags);
      }
      if (!this.isSystemRoot) {
        const problem = this.checkDescriptor(fd, clean, checkType);
        if (problem) {
          fs.closeSync(fd);
          return { ok: false, ...problem };
        }
      }
      return { ok: true, fd };
    } catch (err) {
      if (fd !== null) fs.closeSync(fd);
      return { ok: false, ...classify(err) };
    }
  }

  /**
   * The open descriptor's real location (per the kernel) lies inside the root, and — when asked, or when
   * what was read looks wrong (empty, NUL bytes) — it is a regular file. Small values skip that fstat:
   * a FIFO reads empty and a device reads garbage, and both then pay for the check.
   */
  private checkDescriptor(fd: number, clean: string, checkType: boolean): { kind: ReadFailureKind; reason: string } | null {
    if (checkType) {
      const problem = notRegular(fd);
      if (problem) return problem;
    }
    let real: string;
    try {
      real = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return null; // no /proc: the path checks above stand alone
    }
    if (!this.inside(real)) {
      this.dirCache.clear();
      return { kind: 'escape', reason: `leads outside the root (${clean}); the tree changed under the reader` };
    }
    return null;
  }

  /**
   * Reads up to `maxBytes`: procfs reports size 0 and some sysfs files never end, so reads go in chunks up
   * to the cap, and a short read is the end (sysfs hands over a whole attribute at once, seq_file and
   * regular files fill the buffer until their end). The common case, one small attribute in one read, is
   * decoded straight from the scratch buffer without copying. An empty read or NUL bytes pay for the
   * regular-file check: that is what a FIFO or a device looks like.
   */
  private readRaw(rel: string, maxBytes: number, asText: boolean): BytesResult & { text?: string } {
    const opened = this.open(rel, false);
    if (!opened.ok) return opened;
    const fd = opened.fd;
    try {
      const want = Math.min(this.scratch.length, maxBytes);
      const first = fs.readSync(fd, this.scratch, 0, want, null);
      const head = this.scratch.subarray(0, first);
      if (first === 0 || head.includes(0)) {
        const problem = notRegular(fd);
        if (problem) return { ok: false, ...problem };
      }
      if (first < want) return asText ? { ok: true, bytes: EMPTY, text: head.toString('utf8') } : { ok: true, bytes: Buffer.from(head) };
      const chunks: Buffer[] = [Buffer.from(head)];
      let total = first;
      while (total < maxBytes) {
        const more = Math.min(this.scratch.length, maxBytes - total);
        const n = fs.readSync(fd, this.scratch, 0, more, null);
        if (n === 0) break;
        chunks.push(Buffer.from(this.scratch.subarray(0, n)));
        total += n;
        if (n < more) break;
      }
      return { ok: true, bytes: Buffer.concat(chunks, total) };
    } catch (err) {
      return { ok: false, ...classify(err) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Streams a (possibly huge) file through `onChunk` without holding it: a recorded kernel log of
   * hundreds of megabytes is filtered line by line. At most `maxBytes` are read; returns how it ended.
   */
  async stream(rel: string, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<{ ok: true; truncated: boolean } | { ok: false; kind: ReadFailureKind; reason: string }> {
    const opened = this.open(rel, true);
    if (!opened.ok) return opened;
    const handle = new FileHandleReader(opened.fd);
    try {
      let total = 0;
      for (;;) {
        const chunk = await handle.read(Math.min(256 * 1024, maxBytes - total));
        if (chunk === null) return { ok: true, truncated: false };
        total += chunk.length;
        onChunk(chunk);
        if (total >= maxBytes) return { ok: true, truncated: (await handle.read(1)) !== null };
      }
    } catch (err) {
      return { ok: false, ...classify(err) };
    } finally {
      handle.close();
    }
  }

  list(rel: string): ListResult {
    const where = this.resolve(rel);
    if (!where.ok) return where;
    try {
      // `.keep` marks an empty directory in a capture (git and many archivers drop empty ones).
      const entries = fs.readdirSync(where.real).filter((e) => e !== KEEP_FILE).sort();
      // The cached path may have been swapped for a link since: check where the listing really came from.
      if (!this.isSystemRoot && !this.inside(fs.realpathSync.native(where.real))) {
        this.dirCache.clear();
        return { ok: false, kind: 'escape', reason: `leads outside the root (${rel}); the tree changed under the reader` };
      }
      return { ok: true, entries };
    } catch (err) {
      return { ok: false, ...classify(err) };
    }
  }

  exists(rel: string): boolean {
    const where = this.resolve(rel);
    if (!where.ok) return false;
    try {
      fs.statSync(where.real);
      return this.isSystemRoot || this.inside(fs.realpathSync.native(where.real));
    } catch {
      return false;
    }
  }
}
