import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';
import { advancingCapture, type LoadMode } from '../advancing-capture.js';

/** The running daemon over successive probes of a capture whose counters advance (see advancing-capture). */

let daemon: Daemon | null = null;
afterEach(async () => { await daemon?.stop(); daemon = null; });

async function run(kind: LoadMode) {
  const cap = advancingCapture(kind);
  try {
    daemon = await startDaemon(['--root', cap.dir, '--probe.interval', '1s', '--probe.stuck-window', '3s']);
    await waitHealthy(daemon);
    // Let at least one full window of probes pass.
    await new Promise((r) => setTimeout(r, 4500));
    const health = await (await fetch(`${daemon.url}/health`)).json() as { findings: Array<{ id: string; evidence: string[] }> };
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    return { health, metrics };
  } finally {
    cap.stop();
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
