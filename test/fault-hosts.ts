import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, tmpDir } from './helpers.js';
import { get, type Daemon } from './daemon.js';

/** A copy of a fixture capture in scratch space, to be damaged by a test. */
export function copyFixture(name: string, prefix = 'fault-'): string {
  const root = tmpDir(prefix);
  fs.cpSync(path.join(FIXTURES, name), root, { recursive: true, verbatimSymlinks: true });
  return root;
}

/** A Xen dom0 capture whose xenpm is replaced by `script` (run live, no shell around it) and xl answers nothing. */
export function dom0WithXenpm(script: string): { root: string; xenpm: string; xl: string } {
  const root = copyFixture('xen-dom0-with-xen-acpi-processor');
  const xenpm = path.join(root, 'fake-xenpm');
  fs.writeFileSync(xenpm, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  const xl = path.join(root, 'fake-xl');
  fs.writeFileSync(xl, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return { root, xenpm, xl };
}

export interface Observed {
  health: { status: string; findings: Array<{ id: string; evidence: string[] }>; sources: Array<{ source: string; ok: boolean; detail: string }> };
  metrics: string;
  /** Every finding's evidence, one line each. */
  evidence: string;
}

export async function healthAndMetrics(d: Daemon): Promise<Observed> {
  const health = await (await get(`${d.url}/health`)).json() as Observed['health'];
  const metrics = await (await get(`${d.url}/metrics`)).text();
  return { health, metrics, evidence: health.findings.flatMap((f) => f.evidence).join('\n') };
}

/** The peak resident memory of a process, in kB. */
export function peakRssKb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}
