import { BuiltinSshTransport } from './builtin-ssh.js';
import { collectOverSsh, type SshCollection, type SshTarget } from './ssh.js';

/** How a remote host's collections travel: one call per collection, and a way to let go of what is kept. */
export interface Transport {
  collect(): Promise<SshCollection>;
  close(): void;
}

/**
 * OpenSSH (a process per collection, the operator's whole ssh config) unless the target asks for the
 * built-in client (a kept connection, a session per collection: what fleet mode uses by default).
 */
export function openTransport(t: SshTarget): Transport {
  if (t.transport === 'builtin') return new BuiltinSshTransport(t);
  return { collect: () => collectOverSsh(t), close: () => undefined };
}
