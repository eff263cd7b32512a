import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';
import { StreamDecoder } from './stream-decoder.js';
import { collectorScript } from './collector-script.js';
import { parseDestination, type SshCollection, type SshFailureKind, type SshTarget } from './ssh.js';
import { knownKeyTypes, lookupName, MAX_KNOWN_HOSTS_BYTES, parseKnownHosts, verifyHostKey, type KnownHosts } from './known-hosts.js';

/**
 * The built-in SSH transport (the `ssh2` library) for fleet mode: one connection per target, kept open
 * between collections, each collection one session on it. Measured on loopback (bench/remote-cost.mjs):
 * a new OpenSSH client process costs ~120 ms of CPU per collection, an OpenSSH multiplexed client ~37 ms
 * (its exec plus Node's spawn), a session on an open ssh2 connection ~8 ms; an idle connection holds ~20 KB.
 * What it honours of OpenSSH: known_hosts files (hashed names, patterns, @revoked), the agent
 * (SSH_AUTH_SOCK) and default identities. What it does not: ~/.ssh/config, ProxyJump, host certificates —
 * targets that need them use `transport: openssh`.
 */

// ssh2 is CommonJS: its named exports come through the default one.
const { Client, utils } = ssh2;
type Client = InstanceType<typeof Client>;

const MAX_STDERR = 64 * 1024;
const MAX_IDENTITY_BYTES = 64 * 1024;
/** The handshake gets at most this much of the collection's time. */
const CONNECT_TIMEOUT_MS = 10_000;

/** known_hosts files, parsed once per change (a fleet reads the same file for every target). */
const knownHostsCache = new Map<string, { mtimeMs: number; size: number; hosts: KnownHosts }>();

function readKnownHosts(files: string[]): { hosts: KnownHosts; read: string[] } | { error: string } {
  const all: KnownHosts = { lines: [], skipped: 0 };
  const read: string[] = [];
  for (const f of files) {
    let st: fs.Stats;
    try {
      st = fs.statSync(f);
    } catch {
      continue;
    }
    if (!st.isFile()) return { error: `known_hosts ${f} is not a regular file` };
    if (st.size > MAX_KNOWN_HOSTS_BYTES) return { error: `known_hosts ${f} is over ${MAX_KNOWN_HOSTS_BYTES} bytes` };
    let cached = knownHostsCache.get(f);
    if (!cached || cached.mtimeMs !== st.mtimeMs || cached.size !== st.size) {
      try {
        cached = { mtimeMs: st.mtimeMs, size: st.size, hosts: parseKnownHosts(fs.readFileSync(f, 'utf8')) };
      } catch (err) {
        return { error: `cannot read known_hosts ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
      }
      knownHostsCache.set(f, cached);
    }
    all.lines.push(...cached.hosts.lines);
    all.skipped += cached.hosts.skipped;
    read.push(f);
  }
  return { hosts: all, read };
}

/** The algorithms that present a key of each known_hosts type. */
function hostKeyAlgorithms(types: string[]): string[] {
  return types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
}

type Auth = { privateKey: Buffer } | { agent: string } | { error: string };

function identity(t: SshTarget): Auth {
  const home = os.homedir();
  const candidates = t.identityFile ? [t.identityFile] : [];
  if (!t.identityFile) {
    const sock = process.env['SSH_AUTH_SOCK'];
    if (sock) return { agent: sock };
    for (const n of ['id_ed25519', 'id_ecdsa', 'id_rsa']) candidates.push(path.join(home, '.ssh', n));
  }
  for (const f of candidates) {
    let data: Buffer;
    try {
      const st = fs.statSync(f);
      if (!st.isFile() || st.size > MAX_IDENTITY_BYTES) return { error: `identity file ${f} is not a regular file under 64 KiB` };
      data = fs.readFileSync(f);
    } catch (err) {
      if (!t.identityFile) continue;
      return { error: `cannot read identity file ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
    const parsed = utils.parseKey(data);
    if (parsed instanceof Error) {
      return { error: /encrypted|passphrase/i.test(parsed.message) ? `identity file ${f} is encrypted; the exporter's key must have no passphrase (or use the agent)` : `identity file ${f}: ${parsed.message}` };
    }
    return { privateKey: data };
  }
  return { error: 'no identity: give identity_file, or run an agent (SSH_AUTH_SOCK), or create ~/.ssh/id_ed25519' };
}

function splitUser(destination: string): { user: string; host: string; port: number } {
  const { host: withUser, port } = parseDestination(destination);
  const at = withUser.lastIndexOf('@');
  return {
    user: at === -1 ? os.userInfo().username : withUser.slice(0, at),
    host: at === -1 ? withUser : withUser.slice(at + 1),
    port: port ?? 22,
  };
}

/** Types a connection error the way the OpenSSH transport types ssh's words. */
function classify(err: Error & { code?: string; level?: string }, dest: string): { kind: SshFailureKind; message: string } {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return { kind: 'connection-refused', message: `connection refused by ${dest} (is sshd running, is the port right?) — ${err.message}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'unreachable', message: `cannot resolve the host name of ${dest} — ${err.message}` };
  if (['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'].includes(code)) return { kind: 'unreachable', message: `${dest} is unreachable — ${err.message}` };
  if (err.level === 'client-timeout') return { kind: 'unreachable', message: `${dest} did not complete the SSH handshake in time` };
  if (err.level === 'client-authentication') return { kind: 'auth-refused', message: `${dest} refused the key (is it in authorized_keys, with the right command=?) — ${err.message}` };
  if (/host key|Handshake failed/i.test(err.message)) return { kind: 'host-key', message: `${dest}: ${err.message} (it offers none of the host key types known for it)` };
  return { kind: 'unreachable', message: `ssh to ${dest} failed — ${err.message}` };
}

export class BuiltinSshTransport {
  private client: Client | null = null;
  private ready: Promise<Client> | null = null;

  constructor(private readonly t: SshTarget) {}

  /** Ends the kept connection (the target went idle, or the exporter stops). */
  close(): void {
    this.drop();
  }

  private drop(): void {
    const c = this.client;
    this.client = null;
    this.ready = null;
    c?.destroy();
  }

  private connect(deadline: number): Promise<Client> {
    if (this.ready) return this.ready;
    const dest = this.t.destination;
    this.ready = new Promise<Client>((resolve, reject) => {
      const fail = (kind: SshFailureKind, message: string) => reject(Object.assign(new Error(message), { kind }));
      let where: { user: string; host: string; port: number };
      try {
        where = splitUser(dest);
      } catch (err) {
        return fail('unreachable', (err as Error).message);
      }
      const home = os.homedir();
      const files = this.t.knownHostsFile ? [this.t.knownHostsFile] : [path.join(home, '.ssh/known_hosts'), '/etc/ssh/ssh_known_hosts'];
      const kh = readKnownHosts(files);
      if ('error' in kh) return fail('local-config', kh.error);
      const name = lookupName(where.host, where.port);
      const types = knownKeyTypes(kh.hosts, name);
      const khFiles = kh.read.length ? kh.read.join(', ') : files.join(', ');
      const auth = identity(this.t);
      if ('error' in auth) return fail('local-config', auth.error);
      let hostKeyProblem: string | null = null;
      const client = new Client();
      this.client = client;
      const config: ConnectConfig = {
        host: where.host,
        port: where.port,
        username: where.user,
        ...auth,
        readyTimeout: Math.max(1000, Math.min(CONNECT_TIMEOUT_MS, deadline - performance.now())),
        keepaliveInterval: 30_000,
        keepaliveCountMax: 3,
        // Only the key types known for the host are offered, so a server with several keys shows the known
        // one. With none known, the handshake still runs (as ssh's does) so the refusal can name the
        // fingerprint the operator has to check; it never gets past hostVerifier.
        ...(types.length ? { algorithms: { serverHostKey: hostKeyAlgorithms(types) as NonNullable<NonNullable<ConnectConfig['algorithms']>['serverHostKey']> } } : {}),
        hostVerifier: (key: Buffer) => {
          const v = verifyHostKey(kh.hosts, name, key);
          // Never trusted on first use: an unknown key is refused like a changed one.
          if (!v.ok) hostKeyProblem = v.why === 'unknown' ? `${v.message} in ${khFiles}: add it with ssh-keyscan after checking that fingerprint` : v.message;
          return v.ok;
        },
      };
      client.once('ready', () => resolve(client));
      // 'on', not 'once': a kept connection can fail later (keepalives unanswered), and an unheard
      // 'error' would end the process.
      client.on('error', (err: Error & { code?: string; level?: string }) => {
        if (hostKeyProblem) fail('host-key', hostKeyProblem);
        else {
          const c = classify(err, dest);
          fail(c.kind, c.message);
        }
        this.drop();
      });
      client.on('close', () => {
        if (this.client === client) {
          this.client = null;
          this.ready = null;
        }
        fail('unreachable', `${dest} closed the connection during the handshake`);
      });
      client.connect(config);
    });
    this.ready.catch(() => { this.ready = null; });
    return this.ready;
  }

  /** One collection: the kept connection (or a new one), one session, the stream decoded as it arrives. Never rejects. */
  async collect(): Promise<SshCollection> {
    const started = performance.now();
    const deadline = started + this.t.timeoutMs;
    const reused = this.client !== null;
    const first = await this.attempt(started, deadline);
    // A kept connection the server stopped serving (sshd restarted, the link dropped unnoticed) fails when
    // the session opens: once, and only then, a fresh connection gets the rest of the time.
    if (!first.ok && reused && first.sessionRefused && performance.now() < deadline) return (await this.attempt(started, deadline)).result;
    return first.result;
  }

  private async attempt(started: number, deadline: number): Promise<{ ok: boolean; sessionRefused: boolean; result: SshCollection }> {
    const dest = this.t.destination;
    const failed = (kind: SshFailureKind, message: string, stderr = ''): SshCollection =>
      ({ ok: false, failure: { kind, message, sshSaid: null }, stderr, durationMs: performance.now() - started });
    let client: Client;
    try {
      client = await this.withDeadline(this.connect(deadline), deadline);
    } catch (err) {
      const e = err as Error & { kind?: SshFailureKind };
      if (e.kind === undefined) this.drop();
      return { ok: false, sessionRefused: false, result: failed(e.kind ?? 'timeout', e.kind ? e.message : `no SSH connection to ${dest} within ${this.seconds()} s`) };
    }
    return new Promise((resolve) => {
      const decoder = new StreamDecoder(this.t.limits);
      let stderr = '';
      let exitCode: number | null = null;
      let settled = false;
      const finish = (result: SshCollection, sessionRefused = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.removeListener('close', onDrop);
        resolve({ ok: result.ok, sessionRefused, result });
      };
      const timer = setTimeout(() => {
        // A session that overran leaves the connection in an unknown state: it goes too.
        this.drop();
        const d = decoder.end();
        finish(failed('timeout', `no complete answer from ${dest} within ${this.seconds()} s${d.ok ? '' : ` (${d.bytes} bytes received)`}`, stderr));
      }, Math.max(0, deadline - performance.now()));
      const onDrop = () => finish(failed('unreachable', `${dest} dropped the connection during the collection`, stderr));
      client.once('close', onDrop);
      const opened = (err: Error | undefined, ch: ClientChannel) => {
        if (err) {
          this.drop();
          return finish(failed('unreachable', `${dest} refused a session: ${err.message}`), true);
        }
        if (this.t.mode === 'stdin') ch.end(collectorScript());
        ch.on('data', (c: Buffer) => {
          if (settled) return;
          if (!decoder.push(c)) {
            // A hostile or broken stream: stop it now, and trust that connection no more.
            const d = decoder.end();
            this.drop();
            finish(failed('bad-stream', `${dest} sent a stream that was refused: ${d.ok ? 'over its bounds' : `line ${d.line}: ${d.reason}`}`, stderr));
          }
        });
        ch.stderr.on('data', (c: Buffer) => {
          if (stderr.length < MAX_STDERR) stderr += c.toString('utf8').slice(0, MAX_STDERR - stderr.length);
        });
        ch.on('exit', (code: number | null) => { exitCode = code; });
        ch.on('close', () => {
          const durationMs = performance.now() - started;
          const d = decoder.end();
          const lastLine = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? null;
          if (this.t.persist === false) this.drop();
          const fail = (kind: SshFailureKind, message: string, sshSaid: string | null) => finish({ ok: false, failure: { kind, message, sshSaid }, stderr, durationMs });
          if (!d.ok && d.bytes === 0 && exitCode === 127) return fail('collector-missing', `the collector is not installed on ${dest} (the key's command= names a missing file)`, lastLine);
          if (!d.ok && d.bytes === 0 && exitCode !== 0) {
            return fail('collector-failed', `the collector on ${dest} exited ${exitCode ?? 'by a signal'} without a stream${lastLine ? ` — it said: ${lastLine}` : ''}`, lastLine);
          }
          if (!d.ok) return fail('bad-stream', `${dest} sent a stream that was refused: line ${d.line}: ${d.reason}`, null);
          if (exitCode !== 0) return fail('collector-failed', `the collector on ${dest} exited ${exitCode ?? 'by a signal'} after a complete stream`, lastLine);
          finish({ ok: true, capture: d.capture, stderr, durationMs });
        });
      };
      try {
        // Forced mode asks for a shell without a PTY, as `ssh -T host` does: the key's command= runs instead.
        if (this.t.mode === 'stdin') client.exec('sh -s', opened);
        else client.shell(false, opened);
      } catch (err) {
        this.drop();
        finish(failed('unreachable', `${dest}: ${(err as Error).message}`), true);
      }
    });
  }

  private seconds(): number {
    return Math.round(this.t.timeoutMs / 100) / 10;
  }

  private withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('deadline')), Math.max(0, deadline - performance.now()));
      p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e as Error); });
    });
  }
}
