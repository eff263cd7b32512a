import type { CommandSettings } from '../probe/command-settings.js';
import type { Report } from '../diagnosis/report.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import { CompressedExposition } from '../cycle/exposition.js';
import { RemoteHost } from '../remote/remote-host.js';
import type { SshFailureKind } from '../remote/ssh.js';
import { collectionMetrics } from '../render/collection-metrics.js';
import type { FleetTarget } from './targets-file.js';

/** The last collection of a target, for /fleet, logs and the fleet's own metrics. */
export interface CollectionSummary {
  ok: boolean;
  failureKind: SshFailureKind | null;
  /** The failure as a sentence (quoting ssh or the stream decoder); null when it worked. */
  failure: string | null;
  durationMs: number;
  collectorCurrent: boolean | null;
}

/** What a scrape of /probe?target= and /health?target= serve: rendered once per collection. */
export interface ServedTarget {
  report: Report;
  /** Held gzipped only: a fleet keeps one per active target. */
  exposition: CompressedExposition;
  finishedAt: Date;
  collection: CollectionSummary;
}

/**
 * One dom0 of the fleet while it is active: its transport (a kept connection by default), its probe cycle
 * (with the counter history stuck detection needs) and the last result. Nothing of the dom0's capture is
 * kept between collections: only the report and the rendered exposition.
 */
export class TargetRuntime {
  current: ServedTarget | null = null;
  /** performance.now() of the last scrape that asked for this target (idle targets are let go). */
  lastWantedAt: number;
  /** performance.now() of the last collection's start. */
  lastStartAt = -Infinity;
  queued = false;
  /** When the queued collection was due (performance.now()), for the schedule-delay metric. */
  dueAt = 0;
  private running: Promise<ServedTarget> | null = null;
  private readonly host: RemoteHost;
  private readonly cycle: ProbeCycle;
  private ok = 0;
  private failed = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly spec: FleetTarget, stuckWindowMs: number, settings: Partial<CommandSettings> = {}) {
    this.host = new RemoteHost(spec.ssh, settings);
    // Static values are not kept: a stream brings everything each time, so re-reading costs nothing.
    this.cycle = new ProbeCycle(this.host, { stuck: { windowMs: stuckWindowMs } });
    this.lastWantedAt = performance.now();
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** One collection and one cycle; never rejects (a failed collection is a report that says so). */
  collect(): Promise<ServedTarget> {
    this.running ??= this.doCollect().finally(() => {
      this.running = null;
      for (const w of this.waiters.splice(0)) w();
    });
    return this.running;
  }

  /** Resolves when the next collection ends, or after `ms`; true if there is a result by then. */
  waitForResult(ms: number): Promise<boolean> {
    if (this.current) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.current !== null), Math.max(0, ms));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(this.current !== null);
      });
    });
  }

  private async doCollect(): Promise<ServedTarget> {
    this.lastStartAt = performance.now();
    const c = await this.host.refresh();
    const result = await this.cycle.run();
    if (c.ok) this.ok++;
    else this.failed++;
    const collectorCurrent = this.host.collectorCurrent;
    const summary: CollectionSummary = {
      ok: c.ok,
      failureKind: c.ok ? null : c.failure.kind,
      failure: c.ok ? null : c.failure.message,
      durationMs: c.durationMs,
      collectorCurrent,
    };
    const extra = collectionMetrics({
      ok: c.ok, failureKind: summary.failureKind, durationSeconds: c.durationMs / 1000,
      collector: this.host.meta.get('collector') ?? null, collectorCurrent, collectionsOk: this.ok, collectionsFailed: this.failed,
    });
    // The capture has been read: drop it, so an active target holds a report and a text, not a dom0's /sys.
    this.host.forget();
    this.current = {
      report: result.report,
      exposition: await CompressedExposition.of(`${result.exposition.text}\n${extra}`),
      finishedAt: result.finishedAt,
      collection: summary,
    };
    return this.current;
  }

  /** Lets go of the connection; the runtime is not used again. */
  close(): void {
    this.host.close();
  }
}
