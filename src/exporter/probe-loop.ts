import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { CycleOutcome, CycleRunner } from '../cycle/cycle-runner.js';
import { Exposition } from '../cycle/exposition.js';
import { cronLogger } from './logger.js';
import type { Report } from '../diagnosis/report.js';

export interface ProbeLoopOptions {
  runner: CycleRunner;
  intervalMs: number;
  logger: Logger;
  /** Appended to each probe's exposition (the exporter's own process metrics), rendered at the same moment. */
  extraMetrics?: () => Promise<string>;
}

/** The last run, as served: the report, and the exposition with its gzip and OpenMetrics forms cached. */
export interface Served {
  report: Report;
  exposition: Exposition;
  finishedAt: Date;
}

/**
 * Runs one host's probe cycle on a schedule and keeps its last result for the HTTP face. node-cron
 * ticks every second; a run starts once the interval has passed and the previous run has finished, so
 * runs never overlap (a tick that finds one running counts a skip).
 */
export class ProbeLoop {
  current: Served | null = null;
  probesTotal = 0;
  probesSkipped = 0;
  lastSuccessAt: number | null = null;
  private running: Promise<boolean> | null = null;
  private lastStart = -Infinity;
  private task: ScheduledTask | null = null;
  private readonly sourceOk = new Map<string, boolean>();
  private lastStatus: string | null = null;

  constructor(private readonly o: ProbeLoopOptions) {}

  /** Runs the cycle once unless a run is under way (then it counts a skip and waits for that one). */
  probeOnce(): Promise<boolean> {
    if (this.running) {
      this.probesSkipped++;
      return this.running.then(() => false);
    }
    this.lastStart = performance.now();
    this.running = this.runCycle().finally(() => { this.running = null; });
    return this.running;
  }

  private async runCycle(): Promise<boolean> {
    try {
      const outcome = await this.o.runner.run({ probesSkipped: this.probesSkipped });
      const extra = this.o.extraMetrics ? `\n${await this.o.extraMetrics()}` : '';
      this.current = { report: outcome.report, exposition: new Exposition(outcome.text + extra, outcome.sources), finishedAt: new Date(outcome.finishedAt) };
      this.probesTotal = outcome.runs;
      this.lastSuccessAt = Date.now();
      this.logChanges(outcome);
      return true;
    } catch (err) {
      // Readers never throw; this guards the daemon against its own bugs, and the probe metrics show it.
      this.o.logger.error({ err }, 'probe failed');
      return false;
    }
  }

  /** Logs a source when it starts or stops failing, and the verdict when it changes — not every interval. */
  private logChanges(r: CycleOutcome): void {
    for (const [source, ok] of r.sources) {
      const before = this.sourceOk.get(source);
      if (before === ok) continue;
      this.sourceOk.set(source, ok);
      if (!ok) this.o.logger.warn({ source }, 'source failing');
      else if (before === false) this.o.logger.info({ source }, 'source recovered');
    }
    if (r.report.status !== this.lastStatus) {
      this.lastStatus = r.report.status;
      this.o.logger.info({ status: r.report.status, findings: r.report.findings.map((f) => f.id) }, r.report.verdict);
    }
  }

  start(): void {
    void this.probeOnce();
    this.task = schedule('* * * * * *', () => {
      if (performance.now() - this.lastStart >= this.o.intervalMs - 50) void this.probeOnce();
    }, { noOverlap: false, logger: cronLogger(this.o.logger) });
  }

  /** Stops scheduling and waits for the run under way, at most `graceMs`; the runner is closed by its owner. */
  async stop(graceMs = 2000): Promise<void> {
    await this.task?.destroy();
    this.task = null;
    await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Healthy while the last successful run is younger than three intervals. */
  healthy(): boolean {
    return this.lastSuccessAt !== null && Date.now() - this.lastSuccessAt <= 3 * this.o.intervalMs;
  }
}
