import { spawn } from 'node:child_process';
import { StreamDecoder, type DecodeLimits, type StreamCapture } from './stream-decoder.js';
import { collectorScript } from './collector-script.js';

/**
 * Runs the collector on a remote dom0 with the operator's own OpenSSH client: ~/.ssh/config, known_hosts,
 * the agent and ProxyJump all work as they do for `ssh` by hand. No shell on our side, a fixed argv, a
 * deadline (the whole process group is killed at it), a cap on what is read, and host keys always
 * verified: an unknown or changed key is a failure, never trusted on first use.
 */

/** How the collector is started: a forced-command key runs it (nothing is sent), or `sh -s` gets it on stdin. */
export type SshMode = 'forced' | 'stdin';

export interface SshTarget {
  /** `[user@]host`, `[user@]host:port` or `[user@][v6addr]:port`. */
  destination: string;
  mode: SshMode;
  identityFile?: string | null;
  knownHostsFile?: string | null;
  /** The whole run: connect, collect, transfer. */
  timeoutMs: number;
  /** openssh: the system's `ssh`, a process per collection (the default for check/capture). builtin: the ssh2 library, a kept connection (fleet). */
  transport?: 'openssh' | 'builtin';
  /** builtin only: keep the connection open between collections (default true). */
  persist?: boolean;
  /** The ssh binary (default `ssh` on PATH). */
  sshPath?: string;
  /** Extra `-o` options, for tests (e.g. `-F /dev/null` is not one: see configFile). */
  configFile?: string | null;
  limits?: Partial<DecodeLimits>;
}

/** Why a remote collection gave no capture, typed; `sshSaid` quotes the line it is based on. */
export type SshFailureKind =
  | 'ssh-missing'
  | 'unreachable'
  | 'connection-refused'
  | 'timeout'
  | 'auth-refused'
  | 'host-key'
  | 'collector-missing'
  | 'collector-failed'
  | 'bad-stream'
  /** On the exporter's side: an unreadable identity or known_hosts file, an encrypted key. */
  | 'local-config';

export interface SshFailure {
  kind: SshFailureKind;
  message: string;
  sshSaid: string | null;
}

export type SshCollection =
  | { ok: true; capture: StreamCapture; stderr: string; durationMs: number }
  | { ok: false; failure: SshFailure; stderr: string; durationMs: number };

/** Splits `[user@]host[:port]` (and `[v6]:port`) into the ssh destination and its port. */
export function parseDestination(dest: string): { host: string; port: number | null } {
  if (!dest || dest.startsWith('-') || /[\s\0-\x1f]/.test(dest)) throw new Error(`not an SSH destination: ${JSON.stringify(dest)}`);
  const at = dest.lastIndexOf('@');
  const user = at === -1 ? '' : dest.slice(0, at + 1);
  const rest = dest.slice(at + 1);
  let host = rest;
  let port: string | null = null;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    port = v6[2] ?? null;
  } else if (/^[^:]+:\d+$/.test(rest)) {
    [host, port] = rest.split(':') as [string, string];
  }
  if (!host) throw new Error(`not an SSH destination: ${JSON.stringify(dest)}`);
  const n = port === null ? null : Number(port);
  if (n !== null && (!Number.isInteger(n) || n < 1 || n > 65535)) throw new Error(`bad port in ${JSON.stringify(dest)}`);
  return { host: `${user}${host}`, port: n };
}

/** The fixed argv: no shell, nothing from the remote side, options that keep the operator's config from adding anything. */
export function sshArgv(t: SshTarget): string[] {
  const { host, port } = parseDestination(t.destination);
  const connectTimeout = Math.max(1, Math.min(10, Math.floor(t.timeoutMs / 1000)));
  const argv = [
    t.sshPath ?? 'ssh',
    ...(t.configFile ? ['-F', t.configFile] : []),
    '-T',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${connectTimeout}`,
    // A collection never forwards anything and never runs a command of the config's choosing.
    '-o', 'ClearAllForwardings=yes',
    '-o', 'ForwardAgent=no',
    '-o', 'ForwardX11=no',
    '-o', 'PermitLocalCommand=no',
    '-o', 'RemoteCommand=none',
    '-o', 'RequestTTY=no',
    ...(t.knownHostsFile ? ['-o', `UserKnownHostsFile=${t.knownHostsFile}`] : []),
    ...(t.identityFile ? ['-i', t.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
    ...(port !== null ? ['-p', String(port)] : []),
    '--',
    host,
  ];
  // Forced mode sends no command: the key's command= runs the collector. Stdin mode runs `sh -s`.
  if (t.mode === 'stdin') argv.push('sh', '-s');
  return argv;
}

const MAX_STDERR = 64 * 1024;

/** The ssh line a failure rests on: its own words, the last that say something. */
function sshLine(stderr: string, re: RegExp): string | null {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => re.test(l)) ?? null;
}

/** Types what ssh (exit 255) said. */
export function classifySshError(dest: string, stderr: string): SshFailure {
  const rules: Array<[RegExp, SshFailureKind, (line: string) => string]> = [
    [/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known for|host key for .* has changed/i, 'host-key',
      () => `unknown or changed host key for ${dest}: add it with ssh-keyscan after checking its fingerprint`],
    [/Connection refused/i, 'connection-refused', () => `connection refused by ${dest} (is sshd running, is the port right?)`],
    [/Permission denied|Too many authentication failures|no mutual signature|Authentication failed/i, 'auth-refused',
      () => `${dest} refused the key (is it in authorized_keys, with the right command=?)`],
    [/Connection timed out|Operation timed out|timed out during banner exchange/i, 'unreachable', () => `${dest} did not answer the connection`],
    [/Could not resolve hostname|Name or service not known|No route to host|Network is unreachable|Connection closed by|Connection reset by|kex_exchange_identification/i,
      'unreachable', () => `${dest} is unreachable`],
  ];
  for (const [re, kind, say] of rules) {
    const line = sshLine(stderr, re);
    if (line) return { kind, message: `${say(line)} — ssh said: ${line}`, sshSaid: line };
  }
  const last = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? null;
  return { kind: 'unreachable', message: `ssh to ${dest} failed${last ? ` — ssh said: ${last}` : ' without saying why'}`, sshSaid: last };
}

/** Runs the collector on `t.destination` and decodes its stream as it arrives. Never rejects. */
export function collectOverSsh(t: SshTarget): Promise<SshCollection> {
  const started = performance.now();
  let argv: string[];
  try {
    argv = sshArgv(t);
  } catch (err) {
    return Promise.resolve({ ok: false, failure: { kind: 'unreachable', message: (err as Error).message, sshSaid: null }, stderr: '', durationMs: 0 });
  }
  const dest = t.destination;
  return new Promise((resolve) => {
    const decoder = new StreamDecoder(t.limits);
    let stderr = '';
    let timedOut = false;
    let refusedEarly = false;
    let spawnError: NodeJS.ErrnoException | null = null;
    let settled = false;
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      detached: true,
      stdio: [t.mode === 'stdin' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C', LC_ALL: 'C' },
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch { /* gone */ }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, t.timeoutMs);
    if (t.mode === 'stdin') {
      child.stdin!.on('error', () => { /* the remote side closed early: its exit says why */ });
      child.stdin!.end(collectorScript());
    }
    child.stdout!.on('data', (c: Buffer) => {
      if (refusedEarly) return;
      if (!decoder.push(c)) {
        // A hostile or broken stream: stop it now rather than read 100 MB of it.
        refusedEarly = true;
        killGroup();
      }
    });
    child.stderr!.on('data', (c: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += c.toString('utf8').slice(0, MAX_STDERR - stderr.length);
    });
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      const decoded = decoder.end();
      const fail = (kind: SshFailureKind, message: string, sshSaid: string | null = null) =>
        resolve({ ok: false, failure: { kind, message, sshSaid }, stderr, durationMs });
      if (spawnError) {
        return fail('ssh-missing', spawnError.code === 'ENOENT' ? `${argv[0]}: the OpenSSH client is not installed` : `${argv[0]}: ${spawnError.message}`);
      }
      if (refusedEarly && !decoded.ok) return fail('bad-stream', `${dest} sent a stream that was refused: line ${decoded.line}: ${decoded.reason}`);
      if (timedOut) {
        const seconds = Math.round(t.timeoutMs / 100) / 10;
        return fail('timeout', `no complete answer from ${dest} within ${seconds} s${decoded.ok ? '' : ` (${decoded.bytes} bytes received)`}`);
      }
      if (code === 255) return resolve({ ok: false, failure: classifySshError(dest, stderr), stderr, durationMs });
      if (!decoded.ok && decoded.bytes === 0 && code === 127) {
        const line = sshLine(stderr, /not found|No such file/i);
        return fail('collector-missing', `the collector is not installed on ${dest} (the key's command= names a missing file)`, line);
      }
      if (!decoded.ok && decoded.bytes === 0 && code !== 0) {
        const line = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? null;
        return fail('collector-failed', `the collector on ${dest} exited ${code} without a stream${line ? ` — it said: ${line}` : ''}`, line);
      }
      if (!decoded.ok) return fail('bad-stream', `${dest} sent a stream that was refused: line ${decoded.line}: ${decoded.reason}`);
      if (code !== 0) {
        return fail('collector-failed', `the collector on ${dest} exited ${code} after a complete stream`, stderr.trim().split('\n').pop() ?? null);
      }
      resolve({ ok: true, capture: decoded.capture, stderr, durationMs });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}
