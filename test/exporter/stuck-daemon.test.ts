import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, tmpDir } from '../helpers.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { waitFor } from '../net.js';

/**
 * The running daemon over successive probes of a capture whose xenpm counters advance like a
 * live host's: Xen's 4.2+ format strings, 4 P-states, C0/C1 like QEMU's "no _CST" signature.
 */
const FREQS = [2401, 2400, 2000, 1200];
function statesText(res: number[]): string {
  let out = '';
  for (const cpu of [0, 1]) {
    out += `cpu id               : ${cpu}\ntotal P-states       : 4\nusable P-states      : 4\ncurrent frequency    : 1200 MHz\n`;
    res.forEach((r, i) => {
      out += `${(i === 3 ? `*P${i}` : `P${i}`).padEnd(11)}[${String(FREQS[i]).padStart(4)} MHz]: transition [${String(i === 3 ? 5 : 1).padStart(20)}]\n`;
      out += `                       residency  [${String(r).padStart(20)} ms]\n`;
    });
    out += '\n';
  }
  return out;
}
function idleText(c0: number, idle: number): string {
  let out = 'Max possible C-state: C1\n\n';
  for (const cpu of [0, 1]) {
    out += `cpu id               : ${cpu}\ntotal C-states       : 2\nidle time(ms)        : ${idle}\n`;
    out += `C0                   : transition [${'1'.padStart(20)}]\n                       residency  [${String(c0).padStart(20)} ms]\n`;
    out += `C1                   : transition [${'1'.padStart(20)}]\n                       residency  [${String(idle).padStart(20)} ms]\n\n`;
  }
  return out;
}

let daemon: Daemon | null = null;
afterEach(async () => { await daemon?.stop(); daemon = null; });

async function run(kind: 'pinned-busy' | 'pinned-idle' | 'free-busy') {
  const dir = tmpDir('stuck-');
  fs.cpSync(path.join(FIXTURES, 'xen-dom0-ppc-capped'), dir, { recursive: true, verbatimSymlinks: true });
  fs.rmSync(path.join(dir, 'commands/xl-dmesg.stdout'));
  const cmd = (n: string) => path.join(dir, 'commands', `${n}.stdout`);
  const res = [0, 0, 0, 0];
  let c0 = 1000;
  let idle = 1000;
  const advance = () => {
    const busy = kind !== 'pinned-idle';
    res[kind === 'free-busy' ? 0 : 3]! += 500;
    c0 += busy ? 480 : 10;
    idle += busy ? 20 : 490;
    fs.writeFileSync(cmd('xenpm-get-cpufreq-states') + '.tmp', statesText(res));
    fs.renameSync(cmd('xenpm-get-cpufreq-states') + '.tmp', cmd('xenpm-get-cpufreq-states'));
    fs.writeFileSync(cmd('xenpm-get-cpuidle-states') + '.tmp', idleText(c0, idle));
    fs.renameSync(cmd('xenpm-get-cpuidle-states') + '.tmp', cmd('xenpm-get-cpuidle-states'));
  };
  advance();
  const timer = setInterval(advance, 250);
  try {
    daemon = await startDaemon(['--root', dir, '--probe.interval', '1s', '--probe.stuck-window', '3s']);
    await waitHealthy(daemon);
    // Let at least one full window of probes pass.
    await new Promise((r) => setTimeout(r, 4500));
    const health = await (await fetch(`${daemon.url}/health`)).json() as { findings: Array<{ id: string; evidence: string[] }> };
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    return { health, metrics };
  } finally {
    clearInterval(timer);
  }
}

describe('FREQUENCY_STUCK_BELOW_MAX from the running daemon', () => {
  it('busy CPUs that stay at the lowest P-state raise it, with a per-CPU metric', async () => {
    const { health, metrics } = await run('pinned-busy');
    const f = health.findings.find((x) => x.id === 'FREQUENCY_STUCK_BELOW_MAX');
    expect(f, JSON.stringify(health.findings)).toBeDefined();
    expect(f!.evidence[0]).toMatch(/^CPU0: busy 9\d% over \d s, 0\.0% of P-state time at the top/);
    expect(metrics).toMatch(/^xen_pm_cpu_frequency_stuck\{cpu="0"\} 1$/m);
    expect(metrics).toMatch(/^xen_pm_cpu_effective_frequency_hertz\{cpu="0"\} 1200000000$/m);
    expect(metrics).toMatch(/^xen_pm_finding\{id="FREQUENCY_STUCK_BELOW_MAX",severity="critical"\} 1$/m);
  }, 30_000);
  it('idle CPUs at the lowest P-state do not', async () => {
    const { health, metrics } = await run('pinned-idle');
    expect(health.findings.map((x) => x.id)).not.toContain('FREQUENCY_STUCK_BELOW_MAX');
    expect(metrics).toMatch(/^xen_pm_cpu_frequency_stuck\{cpu="0"\} 0$/m);
  }, 30_000);
  it('busy CPUs that reach the top do not', async () => {
    const { health, metrics } = await run('free-busy');
    expect(health.findings.map((x) => x.id)).not.toContain('FREQUENCY_STUCK_BELOW_MAX');
    expect(metrics).toMatch(/^xen_pm_cpu_top_pstate_residency_ratio\{cpu="0"\} 1$/m);
  }, 30_000);
});
