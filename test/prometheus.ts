import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpDir } from './helpers.js';
import { freePort, waitFor } from './net.js';

/** A real Prometheus on loopback with its own config and data directory, scraping the given targets every second. */
export async function startPrometheus(targets: string[], extraConfig = ''): Promise<{ proc: ChildProcess; url: string; dir: string; logs: string[] }> {
  const dir = tmpDir('prom-');
  const logs: string[] = [];
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${extraConfig}scrape_configs:\n  - job_name: xen-pm\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`);
  const proc = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.on('error', (e) => logs.push(`spawn failed: ${e.message} — install the Debian package prometheus (.ci/run does)`));
  proc.stderr!.on('data', (c: Buffer) => logs.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/-/ready`)).status === 200, 30_000, () => logs.join(''));
  return { proc, url, dir, logs };
}

export async function query(url: string, q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success') throw new Error(`query ${q} failed: ${body.error}`);
  return body.data.result;
}
