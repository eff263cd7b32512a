import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO } from '../helpers.js';
import { freePort, waitFor } from '../net.js';

/** The real binary in fleet mode (`serve --targets FILE`), on 127.0.0.1:<free port>. */
export interface FleetProcess {
  url: string;
  address: string;
  proc: ChildProcess;
  log(): string;
  get(p: string, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  /** SIGTERM and wait; the exit code. */
  stop(): Promise<number | null>;
}

export async function startFleet(targetsFile: string, extra: string[] = []): Promise<FleetProcess> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [path.join(REPO, 'dist/src/main.js'), 'serve', '--targets', targetsFile, '--web.listen-address', address, '--log.level', 'debug', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out = (out + c.toString()).slice(-200_000); });
  proc.stderr!.on('data', (c: Buffer) => { out = (out + c.toString()).slice(-200_000); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = `http://${address}`;
  const get = async (p: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${url}${p}`, { headers });
    return { status: r.status, text: await r.text(), headers: r.headers };
  };
  await waitFor(async () => (await get('/healthz')).status === 200, 30_000, () => out);
  return {
    url, address, proc, get,
    log: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}
