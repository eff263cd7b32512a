import { collectOverSsh, type SshCollection, type SshTarget } from './ssh.js';

/** How a remote host's collections travel: one call per collection, and a way to let go of what is kept. */
export interface Transport {
  collect(): Promise<SshCollection>;
  close(): void;
}

/**
 * The built-in client, loaded on first use: `check`, `capture` and the single-host daemon never load the
 * SSH library.
 */
class LazyBuiltin implements Transport {
  private inner: Promise<Transport> | null = null;
  private closed = false;

  constructor(private readonly t: SshTarget) {}

  async collect(): Promise<SshCollection> {
    this.inner ??= import('./builtin-ssh.js').then(({ BuiltinSshTransport }) => new BuiltinSshTransport(this.t));
    const inner = await this.inner;
    if (this.closed) inner.close();
    return inner.collect();
  }

  close(): void {
    this.closed = true;
    void this.inner?.then((i) => i.close());
  }
}

/**
 * OpenSSH (a process per collection, the operator's whole ssh config) unless the target asks for the
 * built-in client (a kept connection, a session per collection: what fleet mode uses by default).
 */
export function openTransport(t: SshTarget): Transport {
  if (t.transport === 'builtin') return new LazyBuiltin(t);
  return { collect: () => collectOverSsh(t), close: () => undefined };
}
