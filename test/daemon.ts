import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO } from './helpers.js';

export interface Daemon {
  port: number;
  url: string;
  logs: string[];
  proc: ChildProcess;
  stop(): Promise<number | null>;
}

/** Starts the real built daemon on a free loopback port and waits until it listens and has probed once. */
export function startDaemon(args: string[], scheme = 'http', as?: { uid: number; gid: number }): Promise<Daemon> {
  return startDaemonWith([path.join(REPO, 'dist/src/main.js')], args, scheme, as);
}

/** Same, for another entry point (the single-file bundle). */
export async function startDaemonWith(entry: string[], args: string[], scheme = 'http', as?: { uid: number; gid: number }): Promise<Daemon> {
  // JSON log lines, so the helper can read the address it listens on (the default is logfmt).
  const proc = spawn(process.execPath, [...entry, 'serve', '--web.listen-address', '127.0.0.1:0', '--log.format', 'json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(as ?? {}) });
  const logs: string[] = [];
  let buf = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${logs.join('\n')}`)), 20_000);
    const onData = (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        logs.push(l);
        const m = /"address":"[^"]*:(\d+)"/.exec(l);
        if (m && /"msg":"listening"/.test(l)) { clearTimeout(timer); resolve(Number(m[1])); }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => logs.push(c.toString()));
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`daemon exited ${code}:\n${logs.join('\n')}`)); });
  });
  const url = `${scheme}://127.0.0.1:${port}`;
  const d: Daemon = {
    port, url, logs, proc,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve(proc.exitCode);
      proc.removeAllListeners('exit');
      proc.on('exit', (code) => resolve(code));
      proc.kill('SIGTERM');
    }),
  };
  return d;
}

/**
 * GET with one retry when the pooled keep-alive connection was closed by the server just as it was reused
 * (what Go's client does for idempotent requests too).
 */
export async function get(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!['UND_ERR_SOCKET', 'EPIPE', 'ECONNRESET'].includes((err as { cause?: { code?: string } }).cause?.code ?? '')) throw err;
    return fetch(url, init);
  }
}

/** Waits until the daemon has a probe (its /healthz says ok); a loaded machine may take a while, so up to 90 s. */
export async function waitHealthy(d: Daemon, init: RequestInit = {}): Promise<void> {
  for (let i = 0; i < 900; i++) {
    if (d.proc.exitCode !== null) break;
    try {
      const r = await fetch(`${d.url}/healthz`, init);
      if (r.status === 200) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`daemon never became healthy:\n${d.logs.join('\n')}`);
}
