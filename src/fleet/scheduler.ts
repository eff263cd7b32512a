import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { cronLogger } from '../exporter/logger.js';
import type { FleetMetrics } from './fleet-metrics.js';
import type { FleetTarget, TargetsConfig } from './targets-file.js';
import { TargetRuntime } from './target-runtime.js';

export interface SchedulerOptions {
  /** Collections running at once; the rest wait in a first-come queue. */
  concurrency: number;
  /** A target nobody scraped for this long is let go (connection closed, history dropped). */
  idleTimeoutMs: number;
  /** Collect every target on schedule whether or not it is scraped (for /fleet without Prometheus). */
  keepActive: boolean;
  stuckWindowMs: number;
  logger: Logger;
  metrics: FleetMetrics;
}

/**
 * Decides when each dom0 is collected. A target becomes active when it is first scraped (or at once
 * with --fleet.keep-active) and is then collected every `interval` in the background, so scrapes only
 * ever read the last result and two Prometheus servers scraping the same target cost one collection.
 * Sharded exporters (hashmod) therefore each collect only the targets their Prometheus asks for.
 * node-cron ticks every second; due targets queue first-come, first-served behind a concurrency
 * limit, so a dead dom0 (which holds a slot until its timeout) never delays the others beyond it.
 */
export class FleetScheduler {
  private targets = new Map<string, FleetTarget>();
  private readonly active = new Map<string, TargetRuntime>();
  private readonly queue: TargetRuntime[] = [];
  private inFlight = 0;
  private task: ScheduledTask | null = null;
  private stopped = false;
  /** performance.now() of the last tick: /healthz says stale when ticks stop. */
  lastTickAt = performance.now();

  constructor(private readonly o: SchedulerOptions) {}

  get size(): number {
    return this.targets.size;
  }

  names(): string[] {
    return [...this.targets.keys()];
  }

  spec(name: string): FleetTarget | undefined {
    return this.targets.get(name);
  }

  runtime(name: string): TargetRuntime | undefined {
    return this.active.get(name);
  }

  /** Replaces the target set (startup, SIGHUP): removed or changed targets are let go, the rest keep their state. */
  setTargets(cfg: TargetsConfig): { added: number; removed: number; changed: number } {
    const next = new Map(cfg.targets.map((t) => [t.name, t]));
    let removed = 0;
    let changed = 0;
    for (const [name, rt] of this.active) {
      const t = next.get(name);
      if (t && JSON.stringify(t) === JSON.stringify(rt.spec)) continue;
      if (t) changed++;
      else removed++;
      this.deactivate(name);
    }
    const added = [...next.keys()].filter((n) => !this.targets.has(n)).length;
    this.targets = next;
    if (this.o.keepActive) for (const name of next.keys()) this.activate(name);
    this.updateGauges();
    return { added, removed, changed };
  }

  /**
   * A scrape wants this target: it is (or becomes) active, and an inactive one is queued at once.
   * Returns undefined for a name the targets file does not have.
   */
  want(name: string): TargetRuntime | undefined {
    const rt = this.active.get(name) ?? this.activate(name);
    if (rt) rt.lastWantedAt = performance.now();
    return rt;
  }

  private activate(name: string): TargetRuntime | undefined {
    if (this.stopped) return undefined;
    const existing = this.active.get(name);
    if (existing) return existing;
    const spec = this.targets.get(name);
    if (!spec) return undefined;
    const rt = new TargetRuntime(spec, this.o.stuckWindowMs);
    this.active.set(name, rt);
    this.enqueue(rt, performance.now());
    this.updateGauges();
    return rt;
  }

  private deactivate(name: string): void {
    const rt = this.active.get(name);
    if (!rt) return;
    this.active.delete(name);
    const i = this.queue.indexOf(rt);
    if (i !== -1) this.queue.splice(i, 1);
    rt.close();
    this.updateGauges();
  }

  private enqueue(rt: TargetRuntime, dueAt: number): void {
    if (rt.queued || rt.isRunning) return;
    rt.queued = true;
    rt.dueAt = dueAt;
    this.queue.push(rt);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.o.concurrency && this.queue.length) {
      const rt = this.queue.shift()!;
      rt.queued = false;
      if (this.active.get(rt.spec.name) !== rt) continue;
      this.o.metrics.scheduleDelay.observe(Math.max(0, performance.now() - rt.dueAt) / 1000);
      this.inFlight++;
      void rt.collect().then((r) => {
        this.o.metrics.collections.inc({ result: r.collection.ok ? 'ok' : r.collection.failureKind ?? 'failed' });
        this.o.metrics.duration.observe(r.collection.durationMs / 1000);
        if (!r.collection.ok) this.o.logger.warn({ target: rt.spec.name, kind: r.collection.failureKind, durationMs: Math.round(r.collection.durationMs) }, r.collection.failure ?? 'collection failed');
        else this.o.logger.debug({ target: rt.spec.name, durationMs: Math.round(r.collection.durationMs), status: r.report.status }, 'collected');
      }, (err: unknown) => {
        // collect() never rejects; this guards against the exporter's own bugs.
        this.o.logger.error({ target: rt.spec.name, err }, 'collection crashed');
      }).finally(() => {
        this.inFlight--;
        this.updateGauges();
        this.pump();
      });
    }
    this.updateGauges();
  }

  /** One second's work: queue what is due, let go of what nobody wants. */
  tick(): void {
    const now = performance.now();
    this.lastTickAt = now;
    for (const [name, rt] of this.active) {
      if (!this.o.keepActive && now - rt.lastWantedAt > this.o.idleTimeoutMs && !rt.isRunning) {
        this.o.logger.info({ target: name }, 'target idle: connection closed');
        this.deactivate(name);
        continue;
      }
      const due = rt.lastStartAt + rt.spec.intervalMs;
      if (now >= due - 50) this.enqueue(rt, Number.isFinite(due) ? due : now);
    }
  }

  start(): void {
    this.task = schedule('* * * * * *', () => this.tick(), { noOverlap: false, logger: cronLogger(this.o.logger) });
  }

  /** Stops scheduling, lets running collections finish for at most `graceMs`, closes every connection. */
  async stop(graceMs = 1000): Promise<void> {
    this.stopped = true;
    await this.task?.destroy();
    this.task = null;
    this.queue.length = 0;
    const deadline = performance.now() + graceMs;
    while (this.inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const name of [...this.active.keys()]) this.deactivate(name);
  }

  private updateGauges(): void {
    const m = this.o.metrics;
    m.targets.set({ state: 'active' }, this.active.size);
    m.targets.set({ state: 'idle' }, Math.max(0, this.targets.size - this.active.size));
    m.queueLength.set(this.queue.length);
    m.inFlight.set(this.inFlight);
  }
}
