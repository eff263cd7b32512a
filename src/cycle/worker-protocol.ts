import type { HostOptions } from '../probe/open-host.js';
import type { CycleOutcome, CycleSpec } from './cycle-runner.js';

/** Messages between the serving thread and a cycle worker (structured-clonable, one shape per type). */
export type ToWorker =
  | { type: 'open'; cycle: number; host: HostOptions; spec: CycleSpec }
  | { type: 'run'; cycle: number; id: number; meta: { probesSkipped?: number } }
  | { type: 'close'; cycle: number }
  /** Kill every command under way and answer: the daemon is stopping. */
  | { type: 'shutdown' };

export type FromWorker =
  | { type: 'done'; id: number; outcome: CycleOutcome }
  | { type: 'error'; id: number; message: string }
  | { type: 'shut-down' };

/** What a worker thread is started with, so one entry point can tell a worker from the program. */
export interface WorkerRole {
  role: 'xen-pm-exporter-cycles';
}
