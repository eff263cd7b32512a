import { Worker } from 'node:worker_threads';
import type { HostOptions } from '../probe/open-host.js';
import type { CycleOutcome, CycleRunner, CycleSpec } from './cycle-runner.js';
import type { FromWorker, ToWorker, WorkerRole } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** The program's entry module; started as a worker with the role in workerData, it serves cycles. */
  entry: URL;
  /** Worker threads (each holds a share of the cycles). */
  size?: number;
  /** A run that takes longer is abandoned and its worker replaced: a probe can never stall the daemon. */
  runTimeoutMs: number;
  /** Called when a worker had to be replaced (for the log). */
  onReplaced?: (reason: string) => void;
}

interface Pending {
  resolve: (o: CycleOutcome) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  cycles: Map<number, { host: HostOptions; spec: CycleSpec }>;
}

export const WORKER_ROLE: WorkerRole = { role: 'xen-pm-exporter-cycles' };

/**
 * Cycles run in worker threads, so the thread that answers scrapes never waits on a probe: reading a 512-CPU
 * sysfs tree (synchronous by nature) once blocked every scrape for 0.2 s, and 100k cpuN directories for 28 s.
 * Each cycle lives in one worker for good (it keeps its history there).
 */
export class CycleWorkerPool {
  private readonly slots: Slot[] = [];
  private nextCycle = 1;
  private nextRun = 1;
  private closed = false;

  constructor(private readonly o: WorkerPoolOptions) {
    for (let i = 0; i < (o.size ?? 1); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.o.entry, { workerData: WORKER_ROLE });
    const slot: Slot = { worker, pending: new Map(), cycles: new Map() };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'shut-down') return;
      const p = slot.pending.get(msg.id);
      if (!p) return;
      slot.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.type === 'done') p.resolve(msg.outcome);
      else p.reject(new Error(msg.message));
    });
    worker.on('error', (err) => this.replace(slot, `worker failed: ${err.message}`));
    worker.on('exit', (code) => { if (!this.closed) this.replace(slot, `worker exited with ${code}`); });
    worker.unref();
    return slot;
  }

  /** A stuck or dead worker: fail its runs, start a fresh one, and give it back its cycles (without their history). */
  private replace(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    for (const p of slot.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
    }
    slot.pending.clear();
    void slot.worker.terminate();
    const fresh = this.spawn();
    for (const [id, c] of slot.cycles) {
      fresh.cycles.set(id, c);
      fresh.worker.postMessage({ type: 'open', cycle: id, host: c.host, spec: c.spec } satisfies ToWorker);
    }
    this.slots[i] = fresh;
    this.o.onReplaced?.(reason);
  }

  /** A runner for one host's cycle, placed on the least loaded worker. */
  open(host: HostOptions, spec: CycleSpec): CycleRunner {
    const id = this.nextCycle++;
    const slotOf = () => this.slots.find((s) => s.cycles.has(id));
    const slot = this.slots.reduce((a, b) => (b.cycles.size < a.cycles.size ? b : a));
    slot.cycles.set(id, { host, spec });
    slot.worker.postMessage({ type: 'open', cycle: id, host, spec } satisfies ToWorker);
    return {
      run: (meta = {}) => new Promise<CycleOutcome>((resolve, reject) => {
        const s = slotOf();
        if (!s || this.closed) return reject(new Error('the worker pool is closed'));
        const runId = this.nextRun++;
        const timer = setTimeout(() => this.replace(s, `a probe ran longer than ${this.o.runTimeoutMs} ms; its worker was replaced`), this.o.runTimeoutMs);
        s.pending.set(runId, { resolve, reject, timer });
        s.worker.postMessage({ type: 'run', cycle: id, id: runId, meta } satisfies ToWorker);
      }),
      close: async () => {
        const s = slotOf();
        s?.cycles.delete(id);
        s?.worker.postMessage({ type: 'close', cycle: id } satisfies ToWorker);
      },
    };
  }

  /** Stops every worker after it killed the commands it runs; bounded, whatever they are doing. */
  async close(): Promise<void> {
    this.closed = true;
    const bounded = (p: Promise<unknown>, ms: number) => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);
    await Promise.all(this.slots.map(async (s) => {
      for (const p of s.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('shutting down'));
      }
      const acked = new Promise<void>((resolve) => s.worker.on('message', (m: FromWorker) => { if (m.type === 'shut-down') resolve(); }));
      s.worker.postMessage({ type: 'shutdown' } satisfies ToWorker);
      await bounded(acked, 500);
      await bounded(s.worker.terminate(), 1000);
    }));
  }
}
