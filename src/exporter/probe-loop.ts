import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { HostRoot } from '../probe/host-root.js';
import { probeHost } from '../probe/probe-host.js';
import type { AcpiTablesScan, Snapshot } from '../probe/snapshot.js';
import type { StaticValueCache } from '../probe/recorder.js';

const STATIC_REFRESH = 40;
import { diagnose } from '../diagnosis/diagnose.js';
import type { Report } from '../diagnosis/report.js';
import { countersFromSnapshot, type CounterSample } from '../diagnosis/residency-history.js';
import { DEFAULT_STUCK, detectStuck, type StuckOptions, type StuckVerdict } from '../diagnosis/stuck.js';
import { buildRegistry, sourceOutcomes, type ExpositionInput } from './metrics.js';

const gzipAsync = promisify(gzip);

export interface ProbeLoopOptions {
  host: HostRoot;
  intervalMs: number;
  stuck?: Partial<StuckOptions>;
  includeAverage?: boolean;
  logger: Logger;
}

export interface ProbeResult {
  snapshot: Snapshot;
  report: Report;
  stuck: StuckVerdict;
  /** Prometheus text format, rendered once per probe: scrapes never touch the host. */
  text: string;
  finishedAt: Date;
}

/**
 * Re-probes the host on a schedule (node-cron ticks every second; a probe starts when the
 * interval has passed and the previous one has finished, so probes never overlap) and keeps
 * the last result rendered for scrapes.
 */
export class ProbeLoop {
  current: ProbeResult | null = null;
  probesTotal = 0;
  probesSkipped = 0;
  lastSuccessAt: number | null = null;
  private running: Promise<boolean> | null = null;
  private lastStart = -Infinity;
  private task: ScheduledTask | null = null;
  private history: CounterSample[] = [];
  private readonly acpiCache: { scan: AcpiTablesScan | null } = { scan: null };
  /** Static sysfs values; dropped every STATIC_REFRESH probes and whenever the online CPUs change. */
  private readonly staticCache: StaticValueCache = new Map();
  private staticFor: string | null = null;
  private readonly sourceOk = new Map<string, boolean>();
  private openMetricsCache: { for: ProbeResult; text: string } | null = null;
  private gzipCache: { for: ProbeResult; body: Promise<Buffer> } | null = null;
  private lastInput: ExpositionInput | null = null;
  readonly stuckOptions: StuckOptions;

  constructor(private readonly o: ProbeLoopOptions) {
    this.stuckOptions = { ...DEFAULT_STUCK, ...o.stuck };
  }

  /** Runs one probe unless one is already running (then it counts a skip and waits for that one). */
  probeOnce(): Promise<boolean> {
    if (this.running) {
      this.probesSkipped++;
      return this.running.then(() => false);
    }
    this.lastStart = performance.now();
    this.running = this.doProbe().finally(() => { this.running = null; });
    return this.running;
  }

  private async doProbe(): Promise<boolean> {
    const t = performance.now();
    try {
      if (this.probesTotal % STATIC_REFRESH === 0) this.staticCache.clear();
      let snapshot = await probeHost(this.o.host, { includeAverage: this.o.includeAverage, acpiCache: this.acpiCache, staticCache: this.staticCache });
      const onlineSet = JSON.stringify(snapshot.cpus.online);
      if (this.staticFor !== null && onlineSet !== this.staticFor) {
        // CPUs came or went: what was static may not be any more. Read everything again, now.
        this.staticCache.clear();
        snapshot = await probeHost(this.o.host, { includeAverage: this.o.includeAverage, acpiCache: this.acpiCache, staticCache: this.staticCache });
      }
      this.staticFor = JSON.stringify(snapshot.cpus.online);
      this.history.push(countersFromSnapshot(snapshot, t));
      const keepFrom = t - this.stuckOptions.windowMs * 1.5;
      while (this.history.length > 2 && (this.history[0]!.t < keepFrom || this.history.length > 10_000)) this.history.shift();
      const stuck = detectStuck(this.history, this.stuckOptions);
      const report = diagnose(snapshot, stuck.finding ? [stuck.finding] : []);
      this.probesTotal++;
      const finishedAt = new Date();
      const input: ExpositionInput = {
        snapshot, report, stuck, sources: sourceOutcomes(snapshot),
        probeTimestampSeconds: finishedAt.getTime() / 1000, probesTotal: this.probesTotal, probesSkipped: this.probesSkipped,
      };
      const text = await buildRegistry(input).metrics();
      this.lastInput = input;
      this.current = { snapshot, report, stuck, text, finishedAt };
      this.lastSuccessAt = Date.now();
      this.logChanges(input, report);
      return true;
    } catch (err) {
      // Readers never throw; this guards the daemon against its own bugs, and the probe metrics show it.
      this.o.logger.error({ err }, 'probe failed');
      return false;
    }
  }

  private lastStatus: string | null = null;
  private logChanges(input: ExpositionInput, report: Report): void {
    for (const s of input.sources) {
      const before = this.sourceOk.get(s.source);
      if (before === s.success) continue;
      this.sourceOk.set(s.source, s.success);
      if (!s.success) this.o.logger.warn({ source: s.source }, 'source failing');
      else if (before === false) this.o.logger.info({ source: s.source }, 'source recovered');
    }
    if (report.status !== this.lastStatus) {
      this.lastStatus = report.status;
      this.o.logger.info({ status: report.status, findings: report.findings.map((f) => f.id) }, report.verdict);
    }
  }

  /** OpenMetrics text, rendered on first demand per probe. */
  async openMetrics(): Promise<string | null> {
    const cur = this.current;
    if (!cur || !this.lastInput) return null;
    if (this.openMetricsCache?.for !== cur) {
      this.openMetricsCache = { for: cur, text: await buildRegistry(this.lastInput, true).metrics() };
    }
    return this.openMetricsCache.text;
  }

  /** The Prometheus text, gzip-compressed once per probe (Prometheus always asks for gzip). */
  gzippedText(): Promise<Buffer> | null {
    const cur = this.current;
    if (!cur) return null;
    if (this.gzipCache?.for !== cur) this.gzipCache = { for: cur, body: gzipAsync(cur.text, { level: 6 }) };
    return this.gzipCache.body;
  }

  start(): void {
    void this.probeOnce();
    this.task = schedule('* * * * * *', () => {
      if (performance.now() - this.lastStart >= this.o.intervalMs - 50) void this.probeOnce();
    }, { noOverlap: false });
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = null;
    await this.running;
  }

  /** Healthy while the last successful probe is younger than three intervals. */
  healthy(): boolean {
    return this.lastSuccessAt !== null && Date.now() - this.lastSuccessAt <= 3 * this.o.intervalMs;
  }
}
