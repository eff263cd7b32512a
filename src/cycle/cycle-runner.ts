import type { HostOptions } from '../probe/open-host.js';
import { openHost } from '../probe/open-host.js';
import { killRunningCommands } from '../probe/spawn-capped.js';
import type { Report } from '../diagnosis/report.js';
import { ProbeCycle, type CycleOptions, type CycleResult } from './probe-cycle.js';

/**
 * What a run of a cycle hands to whoever serves it: plain, structured-clonable data, so a cycle can run
 * in a worker thread as well as in-process.
 */
export interface CycleOutcome {
  report: Report;
  /** The Prometheus text exposition. */
  text: string;
  /** Whether each source answered, for logging changes. */
  sources: ReadonlyArray<[string, boolean]>;
  finishedAt: number;
  runs: number;
}

/** Serialisable options of a cycle (everything but clocks and hooks). */
export type CycleSpec = Pick<CycleOptions, 'stuck' | 'reuseStaticValues'>;

/** Runs one host's cycle somewhere; `run` never overlaps itself and never rejects for a probe's sake. */
export interface CycleRunner {
  run(meta?: { probesSkipped?: number }): Promise<CycleOutcome>;
  close(): Promise<void>;
}

export function outcomeOf(r: CycleResult, runs: number): CycleOutcome {
  return { report: r.report, text: r.exposition.text, sources: r.exposition.sources(), finishedAt: r.finishedAt.getTime(), runs };
}

/** The cycle in this thread (tests, `check`). */
export class InProcessRunner implements CycleRunner {
  private readonly cycle: ProbeCycle;
  constructor(host: HostOptions, spec: CycleSpec = {}) {
    this.cycle = new ProbeCycle(openHost(host.root, host.settings, host.commands), spec);
  }
  async run(meta: { probesSkipped?: number } = {}): Promise<CycleOutcome> {
    return outcomeOf(await this.cycle.run(meta), this.cycle.runs);
  }
  async close(): Promise<void> {
    killRunningCommands();
  }
}
