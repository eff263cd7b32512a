import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

/**
 * bcrypt off the thread that answers scrapes. One comparison at cost 10 takes ~70 ms of CPU: on the event
 * loop, 16 clients sending wrong passwords once pushed an authorised scrape to 8 s. Comparisons run in a
 * worker thread, one at a time, behind a bounded queue; past it, requests are refused at once ('busy').
 */
export interface PasswordHasher {
  compare(password: string, hash: string): Promise<boolean | 'busy'>;
  hash(password: string, cost: number): Promise<string>;
  close(): Promise<void>;
}

export const HASHER_ROLE = 'xen-pm-exporter-bcrypt';

/** Comparisons waiting for the worker; more are refused rather than queued without end. */
export const MAX_QUEUED_HASHES = 16;

type Compare = { op: 'compare'; password: string; hash: string };
type Hash = { op: 'hash'; password: string; cost: number };
type Request = (Compare | Hash) & { id: number };
type Reply = { id: number; ok: boolean; hash?: string; error?: string };

/** The worker's side. */
export function serveHasher(port: MessagePort): void {
  port.on('message', (r: Request) => {
    const done = (reply: Omit<Reply, 'id'>) => port.postMessage({ id: r.id, ...reply } satisfies Reply);
    try {
      if (r.op === 'compare') done({ ok: bcrypt.compareSync(r.password, r.hash) });
      else done({ ok: true, hash: bcrypt.hashSync(r.password, r.cost) });
    } catch (err) {
      done({ ok: false, error: (err as Error).message });
    }
  });
}

export class WorkerHasher implements PasswordHasher {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private next = 1;

  constructor(entry: URL) {
    this.worker = new Worker(entry, { workerData: { role: HASHER_ROLE } });
    this.worker.unref();
    this.worker.on('message', (r: Reply) => {
      this.pending.get(r.id)?.(r);
      this.pending.delete(r.id);
    });
  }

  private send(req: Compare): Promise<Reply> | null {
    if (this.pending.size >= MAX_QUEUED_HASHES) return null;
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...req, id } satisfies Request);
    });
  }

  async compare(password: string, hash: string): Promise<boolean | 'busy'> {
    const r = this.send({ op: 'compare', password, hash });
    return r ? (await r).ok : 'busy';
  }

  async hash(password: string, cost: number): Promise<string> {
    // Making the dummy hashes is not queued behind attackers: it waits its turn however long the queue.
    const id = this.next++;
    const r = await new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, op: 'hash', password, cost } satisfies Request);
    });
    if (!r.hash) throw new Error(r.error ?? 'hashing failed');
    return r.hash;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** In this thread (tests, or where no worker entry is known): bcryptjs's async form, which yields between rounds. */
export class InlineHasher implements PasswordHasher {
  async compare(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }
  hash(password: string, cost: number): Promise<string> {
    return bcrypt.hash(password, cost);
  }
  async close(): Promise<void> {}
}
