import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNames, reportFor, tmpDir } from '../helpers.js';

/** What each situation must come out as, stated by hand: goldens can be rewritten, these cannot. */
const EXPECT: Record<string, { kind: string; status: string; controller: string; handoff: string; driver: string | null; ids: string[]; absentIds?: string[] }> = {
  'kvm-guest-this-machine': { kind: 'vm-guest', status: 'ok', controller: 'unknown', handoff: 'not-applicable', driver: null, ids: ['FREQUENCY_NOT_OBSERVABLE'] },
  'bare-metal-acpi-cpufreq-boost': { kind: 'bare-metal', status: 'ok', controller: 'kernel', handoff: 'not-applicable', driver: 'acpi-cpufreq', ids: [] },
  'bare-metal-intel-pstate-active': { kind: 'bare-metal', status: 'ok', controller: 'kernel', handoff: 'not-applicable', driver: 'intel_pstate', ids: [], absentIds: ['GOVERNOR_PINNED_LOW', 'IMPLAUSIBLE_READING'] },
  'bare-metal-intel-cpufreq-passive': { kind: 'bare-metal', status: 'ok', controller: 'kernel', handoff: 'not-applicable', driver: 'intel_cpufreq', ids: [] },
  'bare-metal-amd-pstate-epp': { kind: 'bare-metal', status: 'ok', controller: 'kernel', handoff: 'not-applicable', driver: 'amd-pstate-epp', ids: [], absentIds: ['GOVERNOR_PINNED_LOW'] },
  'bare-metal-pcc-cpufreq-unknown': { kind: 'bare-metal', status: 'ok', controller: 'kernel', handoff: 'not-applicable', driver: 'pcc-cpufreq', ids: [], absentIds: ['PROBE_FAILED'] },
  'bare-metal-offline-cpu': { kind: 'bare-metal', status: 'ok', controller: 'kernel', handoff: 'not-applicable', driver: 'acpi-cpufreq', ids: [], absentIds: ['PROBE_FAILED'] },
  'xen-dom0-no-xen-acpi-processor': { kind: 'xen-dom0', status: 'critical', controller: 'none', handoff: 'no', driver: null, ids: ['XEN_PSTATE_HANDOFF_MISSING', 'XEN_ACPI_PROCESSOR_NOT_LOADED', 'CSTATES_LIMITED'] },
  'xen-dom0-firmware-no-pss': { kind: 'xen-dom0', status: 'critical', controller: 'none', handoff: 'no', driver: null, ids: ['FIRMWARE_NO_PSTATES', 'XEN_ACPI_PROCESSOR_NOT_LOADED', 'CSTATES_LIMITED'], absentIds: ['XEN_PSTATE_HANDOFF_MISSING'] },
  'xen-dom0-with-xen-acpi-processor': { kind: 'xen-dom0', status: 'ok', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: [] },
  'xen-dom0-cpufreq-none': { kind: 'xen-dom0', status: 'warning', controller: 'none', handoff: 'not-applicable', driver: null, ids: ['XEN_CPUFREQ_DISABLED', 'CSTATES_LIMITED'], absentIds: ['XEN_PSTATE_HANDOFF_MISSING'] },
  'xen-dom0-hwp-without-policy': { kind: 'xen-dom0', status: 'critical', controller: 'none', handoff: 'no', driver: 'hwp', ids: ['XEN_PSTATE_HANDOFF_MISSING'] },
  'xen-dom0-hwp-4.21': { kind: 'xen-dom0', status: 'ok', controller: 'xen', handoff: 'yes', driver: 'hwp', ids: [] },
  'xen-dom0-offline-smt-siblings': { kind: 'xen-dom0', status: 'ok', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: [], absentIds: ['XEN_ACPI_UPLOAD_ERROR', 'XEN_PSTATE_HANDOFF_PARTIAL'] },
  'xen-dom0-ppc-capped': { kind: 'xen-dom0', status: 'warning', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: ['PSTATES_CAPPED', 'CSTATES_LIMITED'] },
  'xen-dom0-only-cpufreq-para': { kind: 'xen-dom0', status: 'critical', controller: 'none', handoff: 'no', driver: null, ids: ['XEN_PSTATE_HANDOFF_MISSING'], absentIds: ['XEN_ACPI_PROCESSOR_NOT_LOADED'] },
  // Real captures from Xen 4.17 + Linux 6.1 under QEMU (test/xen).
  'qemu-xen-4.17-stock-firmware': { kind: 'xen-dom0', status: 'critical', controller: 'none', handoff: 'no', driver: null, ids: ['FIRMWARE_NO_PSTATES', 'XEN_ACPI_PROCESSOR_NOT_LOADED', 'CSTATES_LIMITED'], absentIds: ['XEN_PSTATE_HANDOFF_MISSING'] },
  'qemu-xen-4.17-pstates-uploaded': { kind: 'xen-dom0', status: 'ok', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: ['TURBO_DISABLED', 'CSTATES_LIMITED'] },
  'qemu-xen-4.17-module-blacklisted': { kind: 'xen-dom0', status: 'critical', controller: 'none', handoff: 'no', driver: null, ids: ['XEN_PSTATE_HANDOFF_MISSING', 'XEN_ACPI_PROCESSOR_NOT_LOADED', 'CSTATES_LIMITED'], absentIds: ['FIRMWARE_NO_PSTATES'] },
  'qemu-xen-4.17-cpufreq-none': { kind: 'xen-dom0', status: 'warning', controller: 'none', handoff: 'not-applicable', driver: null, ids: ['XEN_CPUFREQ_DISABLED', 'CSTATES_LIMITED'] },
  'qemu-xen-4.17-ppc-capped': { kind: 'xen-dom0', status: 'warning', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: ['PSTATES_CAPPED', 'TURBO_DISABLED', 'CSTATES_LIMITED'] },
  'qemu-xen-4.17-pinned-under-load': { kind: 'xen-dom0', status: 'warning', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: ['PSTATES_CAPPED', 'GOVERNOR_PINNED_LOW', 'TURBO_DISABLED', 'CSTATES_LIMITED'] },
  'qemu-xen-4.17-free-under-load': { kind: 'xen-dom0', status: 'ok', controller: 'xen', handoff: 'yes', driver: 'acpi-cpufreq', ids: ['TURBO_DISABLED', 'CSTATES_LIMITED'] },
  'xen-3.4-dom0-pasted-para': { kind: 'xen-dom0', status: 'ok', controller: 'xen', handoff: 'yes', driver: 'Unknown', ids: [] },
};

describe('every fixture has stated semantics', () => {
  it('no fixture without an expectation and no expectation without a fixture', () => {
    expect(fixtureNames()).toEqual(Object.keys(EXPECT).sort());
  });
});

describe('fixture semantics', () => {
  for (const [name, e] of Object.entries(EXPECT)) {
    it(name, async () => {
      const r = await reportFor(path.join(FIXTURES, name));
      expect(r.platform.kind).toBe(e.kind);
      expect(r.status).toBe(e.status);
      expect(r.pstates.controller).toBe(e.controller);
      expect(r.pstates.handoff).toBe(e.handoff);
      expect(r.pstates.driver).toBe(e.driver);
      expect(r.findings.map((f) => f.id).sort()).toEqual([...e.ids].sort());
      for (const id of e.absentIds ?? []) expect(r.findings.map((f) => f.id)).not.toContain(id);
      for (const f of r.findings) {
        expect(f.evidence.length, `${f.id} quotes its evidence`).toBeGreaterThan(0);
        expect(f.remedy.length).toBeGreaterThan(20);
      }
    });
  }

  it('the blacklisted module is named as the cause, with the exact command-line token', async () => {
    const r = await reportFor(path.join(FIXTURES, 'xen-dom0-no-xen-acpi-processor'));
    const f = r.findings.find((x) => x.id === 'XEN_PSTATE_HANDOFF_MISSING')!;
    expect(f.summary).toMatch(/blacklisted/);
    expect(f.evidence).toContain('kernel command line: modprobe.blacklist=xen_acpi_processor');
    expect(f.evidence.some((e) => e.includes('[CPU0] failed to get cpufreq parameter'))).toBe(true);
  });

  it('the acpi-cpufreq "max + 1 MHz" entry is reported as the turbo state', async () => {
    const r = await reportFor(path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'));
    expect(r.pstates.turboEntryHz).toBe(3_401_000_000);
    expect(r.pstates.maxHz).toBe(3_401_000_000);
    expect(r.pstates.frequenciesHz[0]).toBe(3_401_000_000);
    expect(r.pstates.frequenciesHz).toHaveLength(16);
  });

  it('_PPC: usable < total P-states is a cap, quoted per CPU', async () => {
    const r = await reportFor(path.join(FIXTURES, 'xen-dom0-ppc-capped'));
    const f = r.findings.find((x) => x.id === 'PSTATES_CAPPED')!;
    expect(f.evidence.some((e) => /usable P-states 2 of 4/.test(e))).toBe(true);
    expect(r.cpus.map((c) => [c.usablePStates, c.totalPStates])).toEqual([[2, 4], [2, 4]]);
  });

  it('HWP selected without any policy is not fine, and says so', async () => {
    const r = await reportFor(path.join(FIXTURES, 'xen-dom0-hwp-without-policy'));
    const f = r.findings.find((x) => x.id === 'XEN_PSTATE_HANDOFF_MISSING')!;
    expect(f.evidence.some((e) => /HWP: Using HWP for cpufreq/.test(e))).toBe(true);
  });

  it('pcc-cpufreq <unknown> is absent with its reason, and the other CPUs keep their data', async () => {
    const { probeHost } = await import('../../src/probe/probe-host.js');
    const { openHost } = await import('../../src/probe/open-host.js');
    // cpuinfo_cur_freq asks the hardware (slow on real machines) and is read only where scaling_cur_freq is
    // missing: take policy1's away, so the <unknown> of node_exporter#1710 is what the probe meets.
    const root = tmpDir('pcc-');
    fs.cpSync(path.join(FIXTURES, 'bare-metal-pcc-cpufreq-unknown'), root, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(path.join(root, 'sys/devices/system/cpu/cpufreq/policy1/scaling_cur_freq'));
    const s = await probeHost(openHost(root));
    expect(s.absent).toContainEqual({ path: 'sys/devices/system/cpu/cpufreq/policy1/cpuinfo_cur_freq', reason: 'kernel reports <unknown>' });
    expect(s.problems).toEqual([]);
    expect(s.cpufreq.policies.map((p) => p.cpuinfoCurKhz)).toEqual([null, null, null, null]);
    expect(s.cpufreq.policies.map((p) => p.scalingCurKhz)).toEqual([1200000, null, 1200000, 1200000]);
  });
});
