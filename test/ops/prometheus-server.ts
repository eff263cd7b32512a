import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpDir } from '../helpers.js';
import { freePort, waitFor } from '../net.js';
import { tool } from './tools.js';

export interface PrometheusServer {
  url: string;
  logs: string[];
  proc: ChildProcess;
  /** SIGTERM, wait for the exit (Prometheus flushes its TSDB), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/**
 * A private Prometheus (Debian's binary from the tool cache) on 127.0.0.1 with its own config and
 * data directory under the run's scratch space; nothing of the machine's own installation is used.
 */
/** `scrapeConfigs`: the lines under `scrape_configs:` instead of one static job over `targets`. */
export async function startPrometheus(targets: string[], ruleFiles: string[] = [], scrapeConfigs?: string[]): Promise<PrometheusServer> {
  const dir = tmpDir('prom-');
  const port = await freePort();
  const config = [
    'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s',
    ...(ruleFiles.length ? ['rule_files:', ...ruleFiles.map((f) => `  - '${f}'`)] : []),
    'scrape_configs:', ...(scrapeConfigs ?? ['  - job_name: xen-pm', '    static_configs:', `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`]),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `${config}\n`);
  const logs: string[] = [];
  const proc = spawn(tool('prometheus'), [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.on('error', (e) => logs.push(`spawn failed: ${e.message}`));
  proc.stdout!.on('data', (c: Buffer) => logs.push(c.toString()));
  proc.stderr!.on('data', (c: Buffer) => logs.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.once('exit', () => { clearTimeout(kill); resolve(); });
    proc.kill('SIGTERM');
  });
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).status === 200, 30_000, () => logs.join(''));
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, logs, proc, stop };
}

export type Sample = { metric: Record<string, string>; value: [number, string] };

export async function query(url: string, q: string): Promise<Sample[]> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; error?: string; data: { result: Sample[] } };
  if (body.status !== 'success') throw new Error(`query ${q} failed: ${body.error}`);
  return body.data.result;
}
