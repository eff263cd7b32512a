import type { HostRoot } from './host-root.js';
import type { Absence, ProbeProblem } from './snapshot.js';
import type { Parsed } from './parse-sysfs-values.js';

/** Files that are root-only by design: being denied them is not a probe failure. */
const ROOT_ONLY = [/cpuinfo_cur_freq$/, /xen_acpi_processor\/parameters\/off$/, /^sys\/firmware\/acpi\/tables/];

/**
 * Reads values through the host root and keeps account: a missing file is silently absent,
 * a placeholder or malformed value is absent with its reason, and a read that failed for
 * another reason (EAGAIN, EIO, EACCES, a symlink leaving the root) is also a probe problem.
 */
/**
 * Values that do not change while a host runs (hardware limits, frequency tables, topology, cpuidle
 * state names and latencies), kept across probes by the daemon. Only successful reads and "missing"
 * are kept: a failure is read again next time.
 */
export type StaticValueCache = Map<string, unknown>;

const MISSING = Symbol('missing');

export class Recorder {
  readonly absent: Absence[] = [];
  readonly problems: ProbeProblem[] = [];

  constructor(readonly host: HostRoot, private readonly staticCache: StaticValueCache | null = null) {}

  /** Like value(), for a file whose content is fixed while the host runs. */
  staticValue<T>(rel: string, source: string, parse: (text: string) => Parsed<T>): T | null {
    if (!this.staticCache) return this.value(rel, source, parse);
    const hit = this.staticCache.get(rel);
    if (hit !== undefined) return hit === MISSING ? null : (hit as T);
    const r = this.host.readText(rel);
    if (!r.ok) {
      if (r.kind === 'missing') {
        this.staticCache.set(rel, MISSING);
        return null;
      }
      return this.value(rel, source, parse);
    }
    const p = parse(r.text);
    if (!p.ok) return this.value(rel, source, parse);
    this.staticCache.set(rel, p.value);
    return p.value;
  }

  text(rel: string, source: string): string | null {
    // Which attributes a driver publishes is fixed: a file found missing stays missing until the cache is dropped.
    if (this.staticCache?.get(rel) === MISSING) return null;
    const r = this.host.readText(rel);
    if (r.ok) return r.text;
    if (r.kind === 'missing') {
      this.staticCache?.set(rel, MISSING);
      return null;
    }
    this.absent.push({ path: rel, reason: r.reason });
    if (!(r.kind === 'denied' && ROOT_ONLY.some((re) => re.test(rel)))) {
      this.problems.push({ source, path: rel, reason: r.reason });
    }
    return null;
  }

  value<T>(rel: string, source: string, parse: (text: string) => Parsed<T>): T | null {
    const t = this.text(rel, source);
    return t === null ? null : this.interpret(rel, source, t, parse);
  }

  /** Parses text already read from `rel`, with value()'s bookkeeping of malformed values. */
  interpret<T>(rel: string, source: string, t: string, parse: (text: string) => Parsed<T>): T | null {
    const p = parse(t);
    if (p.ok) return p.value;
    this.absent.push({ path: rel, reason: p.reason });
    // `<unknown>`/`<unsupported>` are the kernel's own way to say "no value": not a failure.
    if (!p.reason.startsWith('kernel reports')) this.problems.push({ source, path: rel, reason: `malformed value: ${p.reason}` });
    return null;
  }

  /** Like list(), for a directory whose entries are fixed while the host runs (cached like staticValue). */
  staticList(rel: string, source: string): string[] | null {
    const key = `list:${rel}`;
    const hit = this.staticCache?.get(key);
    if (hit !== undefined) return hit === MISSING ? null : (hit as string[]);
    const r = this.host.list(rel);
    if (r.ok) {
      this.staticCache?.set(key, r.entries);
      return r.entries;
    }
    if (r.kind === 'missing') {
      this.staticCache?.set(key, MISSING);
      return null;
    }
    this.absent.push({ path: rel, reason: r.reason });
    this.problems.push({ source, path: rel, reason: r.reason });
    return null;
  }

  list(rel: string, source: string): string[] | null {
    const r = this.host.list(rel);
    if (r.ok) return r.entries;
    if (r.kind !== 'missing') {
      this.absent.push({ path: rel, reason: r.reason });
      this.problems.push({ source, path: rel, reason: r.reason });
    }
    return null;
  }
}
