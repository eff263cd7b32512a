import type { HostRoot } from '../probe/host-root.js';
import { probeHost } from '../probe/probe-host.js';
import type { AcpiTablesScan, Snapshot } from '../probe/snapshot.js';
import type { StaticValueCache } from '../probe/recorder.js';
import { probeSources, readErrorsBySource } from '../probe/source-status.js';
import { buildView, type FrequencyView } from '../diagnosis/frequency-view.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { Report } from '../diagnosis/report.js';
import { countersFromView } from '../diagnosis/residency-history.js';
import { PackedHistory } from '../diagnosis/packed-history.js';
import { DEFAULT_STUCK, detectStuck, type StuckOptions, type StuckVerdict } from '../diagnosis/stuck.js';
import type { ExpositionInput } from '../render/metrics.js';
import { Exposition } from './exposition.js';

export interface CycleOptions {
  stuck?: Partial<StuckOptions>;
  /**
   * Keep values that do not change while a host runs (hardware limits, tables, topology, the ACPI scan)
   * from one run to the next. On for a daemon's cycles, off for a one-shot `check`.
   */
  reuseStaticValues?: boolean;
  /** Wall clock for the report's timestamp (tests pin it). */
  now?: () => Date;
  /** Monotonic milliseconds for the residency history (tests drive it). */
  clock?: () => number;
}

/** Everything one run of the cycle produced; scrapes, /health and `check` only ever read this. */
export interface CycleResult {
  snapshot: Snapshot;
  view: FrequencyView;
  report: Report;
  stuck: StuckVerdict;
  exposition: Exposition;
  finishedAt: Date;
}

/** Static values are dropped every this many runs, so a changed value (a BIOS update, a hot-plug) shows up. */
const STATIC_REFRESH = 40;
/**
 * The residency history keeps samples at most a twentieth of the window apart (plus the newest), whatever
 * the interval: about 21 samples for any window, not one per run (a 1 s interval over 5 minutes at 512 CPUs
 * once held 300 samples and 600 MB), packed in typed arrays (src/diagnosis/packed-history.ts). The stuck
 * judgement then spans between one and 1.05 windows.
 */
const HISTORY_STEPS_PER_WINDOW = 20;

/**
 * One host's probe cycle: probe → counter history → stuck detection → diagnosis → rendered exposition.
 * It owns its caches and history, so a process can hold many cycles (one per host) that share nothing.
 * Runs never overlap: a caller that starts one while another runs gets the running one.
 */
export class ProbeCycle {
  readonly stuckOptions: StuckOptions;
  runs = 0;
  private readonly history: PackedHistory;
  private readonly acpiCache: { scan: AcpiTablesScan | null } = { scan: null };
  private readonly staticCache: StaticValueCache = new Map();
  private staticFor: string | null = null;
  private running: Promise<CycleResult> | null = null;

  /** Counter samples held for the stuck judgement (bounded: see PackedHistory). */
  get historySize(): number {
    return this.history.size;
  }

  constructor(readonly host: HostRoot, private readonly o: CycleOptions = {}) {
    this.stuckOptions = { ...DEFAULT_STUCK, ...o.stuck };
    this.history = new PackedHistory(this.stuckOptions.windowMs, HISTORY_STEPS_PER_WINDOW);
  }

  run(meta: { probesSkipped?: number } = {}): Promise<CycleResult> {
    this.running ??= this.doRun(meta).finally(() => { this.running = null; });
    return this.running;
  }

  private async probe(): Promise<Snapshot> {
    if (!this.o.reuseStaticValues) return probeHost(this.host, { now: this.o.now });
    if (this.runs % STATIC_REFRESH === 0) this.staticCache.clear();
    const options = { acpiCache: this.acpiCache, staticCache: this.staticCache, now: this.o.now };
    let snapshot = await probeHost(this.host, options);
    const onlineSet = JSON.stringify(snapshot.cpus.online);
    if (this.staticFor !== null && onlineSet !== this.staticFor) {
      // CPUs came or went: what was static may not be any more. Read everything again, now.
      this.staticCache.clear();
      snapshot = await probeHost(this.host, options);
    }
    this.staticFor = JSON.stringify(snapshot.cpus.online);
    return snapshot;
  }

  private async doRun(meta: { probesSkipped?: number }): Promise<CycleResult> {
    const clock = this.o.clock ?? (() => performance.now());
    const t = clock();
    const snapshot = await this.probe();
    const view = buildView(snapshot);
    this.history.push(countersFromView(view, t));
    const stuck = detectStuck(this.history.judged(), this.stuckOptions);
    const report = diagnose(snapshot, view, stuck.finding ? [stuck.finding] : []);
    this.runs++;
    const finishedAt = this.o.now?.() ?? new Date();
    const input: ExpositionInput = {
      report, view, stuck, sources: probeSources(snapshot), readErrors: readErrorsBySource(snapshot),
      probeTimestampSeconds: finishedAt.getTime() / 1000, probesTotal: this.runs, probesSkipped: meta.probesSkipped ?? 0,
    };
    return { snapshot, view, report, stuck, exposition: Exposition.render(input), finishedAt };
  }
}
