import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { boot, prepare, type BootResult, type Scenario } from './boot.js';

/**
 * A real Xen 4.17 hypervisor and a real Linux 6.1 dom0 under QEMU (TCG), the daemon running inside
 * dom0 against the real /sys, kernel log and xenpm. Set XPM_SAVE_CAPTURES=DIR to keep the captures.
 */
const CPUFREQ = 'cpufreq=xen:verbose';
const SCENARIOS: Record<string, Scenario> = {
  a: { name: 'stock-firmware', intel: false, ssdt: 'none', xenCpufreq: CPUFREQ, timeoutS: 180 },
  b: { name: 'pstates-uploaded', intel: true, ssdt: 'ppc0', xenCpufreq: CPUFREQ, timeoutS: 180 },
  c: { name: 'module-blacklisted', intel: true, ssdt: 'ppc0', xenCpufreq: CPUFREQ, blacklist: true, timeoutS: 180 },
  d: { name: 'cpufreq-none', intel: true, ssdt: 'ppc0', xenCpufreq: 'cpufreq=none', timeoutS: 180 },
  e: { name: 'ppc-capped', intel: true, ssdt: 'ppc2', xenCpufreq: CPUFREQ, timeoutS: 180 },
  f1: { name: 'pinned-under-load', intel: true, ssdt: 'ppc0', xenCpufreq: CPUFREQ, pin: 1200000, load: 40, interval: '3s', window: '25s', timeoutS: 300 },
  f2: { name: 'free-under-load', intel: true, ssdt: 'ppc0', xenCpufreq: CPUFREQ, load: 40, interval: '3s', window: '25s', timeoutS: 300 },
};

const ids = (r: { findings: Array<{ id: string }> }) => r.findings.map((f) => f.id).sort();
const active = (metrics: string, id: string) => new RegExp(`^xen_pm_finding\\{id="${id}",severity="\\w+"\\} 1$`, 'm').test(metrics);

async function checkCapture(res: BootResult, sc: Scenario) {
  const report = diagnose(await probeHost(openHost(res.captureDir)));
  const save = process.env.XPM_SAVE_CAPTURES;
  if (save) fs.cpSync(res.captureDir, path.join(save, `qemu-xen-4.17-${sc.name}`), { recursive: true, verbatimSymlinks: true });
  return report;
}

/** check --root on the capture taken inside dom0 gives the running daemon's status, findings and verdict. */
async function expectCaptureAgrees(res: BootResult, sc: Scenario) {
  const cap = await checkCapture(res, sc);
  expect([cap.status, ids(cap), cap.verdict]).toEqual([res.health.status, ids(res.health), res.health.verdict]);
}

beforeAll(() => { prepare(); }, 600_000);

describe.sequential('real Xen 4.17 + Linux 6.1 dom0 under QEMU', () => {
  it('(a) stock QEMU firmware, no _PSS: critical, FIRMWARE_NO_PSTATES with the reason', async () => {
    const r = boot(SCENARIOS.a!);
    expect(r.health.platform.kind).toBe('xen-dom0');
    expect(r.healthStatus).toBe(503);
    expect(r.health.status).toBe('critical');
    expect(r.health.pstates['handoff']).toBe('no');
    const f = r.health.findings.find((x) => x.id === 'FIRMWARE_NO_PSTATES');
    expect(f, JSON.stringify(r.health.findings)).toBeDefined();
    expect(f!.evidence.join('\n')).toMatch(/no _PSS or _CPC object in the ACPI tables/);
    expect(f!.evidence.join('\n')).toMatch(/\[CPU0\] failed to get cpufreq parameter/);
    expect(ids(r.health)).not.toContain('XEN_PSTATE_HANDOFF_MISSING');
    expect(r.metrics).toMatch(/^xen_pm_pstate_handoff\{state="no"\} 1$/m);
    expect(active(r.metrics, 'FIRMWARE_NO_PSTATES')).toBe(true);
    await expectCaptureAgrees(r, SCENARIOS.a!);
  }, 300_000);

  it('(b) P-state SSDT with xen-acpi-processor: hand-off yes, acpi-cpufreq, the table, ok', async () => {
    const r = boot(SCENARIOS.b!);
    expect(r.healthStatus).toBe(200);
    expect(r.health.status).toBe('ok');
    expect(r.health.pstates).toMatchObject({ controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', frequenciesHz: [2401e6, 2400e6, 1800e6, 1200e6], turboEntryHz: 2401e6 });
    expect(r.log.replace(/\r/g, '')).toMatch(/\(XEN\) \[ *[\d.]+\] Set CPU acpi_id\(0\) cpuid\(0\) Px State info:/);
    expect(r.metrics).toMatch(/^xen_pm_pstate_handoff\{state="yes"\} 1$/m);
    expect(r.metrics).toMatch(/^xen_pm_cpu_frequency_max_hertz\{cpu="0",source="xen"\} 2401000000$/m);
    expect(r.metrics).toMatch(/^xen_pm_pstate_residency_seconds_total\{cpu="1",state="P3",frequency_hertz="1200000000"\} [\d.]+$/m);
    await expectCaptureAgrees(r, SCENARIOS.b!);
  }, 300_000);

  it('(c) same SSDT, module blacklisted (the 2011 situation): HANDOFF_MISSING + NOT_LOADED, critical', async () => {
    const r = boot(SCENARIOS.c!);
    expect(r.healthStatus).toBe(503);
    expect(r.health.status).toBe('critical');
    expect(ids(r.health)).toEqual(expect.arrayContaining(['XEN_PSTATE_HANDOFF_MISSING', 'XEN_ACPI_PROCESSOR_NOT_LOADED']));
    expect(r.health.findings.find((f) => f.id === 'XEN_ACPI_PROCESSOR_NOT_LOADED')!.severity).toBe('critical');
    expect(r.health.findings.find((f) => f.id === 'XEN_PSTATE_HANDOFF_MISSING')!.evidence).toContain('kernel command line: modprobe.blacklist=xen_acpi_processor');
    expect(ids(r.health)).not.toContain('FIRMWARE_NO_PSTATES');
    await expectCaptureAgrees(r, SCENARIOS.c!);
  }, 300_000);

  it('(d) Xen booted cpufreq=none: XEN_CPUFREQ_DISABLED, not "missing"', async () => {
    const r = boot(SCENARIOS.d!);
    expect(ids(r.health)).toContain('XEN_CPUFREQ_DISABLED');
    expect(ids(r.health)).not.toContain('XEN_PSTATE_HANDOFF_MISSING');
    expect(r.health.pstates).toMatchObject({ controller: 'none', handoff: 'not-applicable' });
    expect(r.health.status).toBe('warning');
    await expectCaptureAgrees(r, SCENARIOS.d!);
  }, 300_000);

  it('(e) _PPC forbidding the top states: PSTATES_CAPPED', async () => {
    const r = boot(SCENARIOS.e!);
    const f = r.health.findings.find((x) => x.id === 'PSTATES_CAPPED');
    expect(f, JSON.stringify(r.health.findings)).toBeDefined();
    expect(f!.evidence.join('\n')).toMatch(/usable P-states 2 of 4/);
    expect(r.metrics).toMatch(/^xen_pm_cpu_pstates_usable\{cpu="0"\} 2$/m);
    await expectCaptureAgrees(r, SCENARIOS.e!);
  }, 300_000);

  it('(f) scaling max pinned to the lowest state under CPU-bound load: FREQUENCY_STUCK_BELOW_MAX across probes', async () => {
    const r = boot(SCENARIOS.f1!);
    expect(ids(r.health), r.blocks['daemon-log']).toContain('FREQUENCY_STUCK_BELOW_MAX');
    expect(r.metrics).toMatch(/^xen_pm_cpu_frequency_stuck\{cpu="0"\} 1$/m);
    expect(r.metrics).toMatch(/^xen_pm_cpu_effective_frequency_hertz\{cpu="0"\} 1200000000$/m);
    // One capture is one probe: no history, so the same findings without the stuck one.
    const cap = await checkCapture(r, SCENARIOS.f1!);
    expect(ids(cap)).toEqual(ids(r.health).filter((x) => x !== 'FREQUENCY_STUCK_BELOW_MAX'));
  }, 400_000);

  it('(f) the same load without the pin: not stuck', async () => {
    const r = boot(SCENARIOS.f2!);
    expect(ids(r.health)).not.toContain('FREQUENCY_STUCK_BELOW_MAX');
    expect(r.metrics).toMatch(/^xen_pm_cpu_frequency_stuck\{cpu="0"\} 0$/m);
    const cap = await checkCapture(r, SCENARIOS.f2!);
    expect([cap.status, ids(cap)]).toEqual([r.health.status, ids(r.health)]);
  }, 400_000);
});
