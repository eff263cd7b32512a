import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { HostRoot, ReadFailureKind } from '../../src/probe/host-root.js';
import { FIXTURES } from '../helpers.js';

/** Wraps a root and fails chosen reads with the errno a live sysfs gives, through the one I/O seam. */
function faulty(inner: HostRoot, fail: (rel: string) => { kind: ReadFailureKind; reason: string } | null): HostRoot {
  const failed = (rel: string) => {
    const f = fail(rel);
    return f ? { ok: false as const, ...f } : null;
  };
  return {
    path: inner.path,
    live: inner.live,
    readText: (rel) => failed(rel) ?? inner.readText(rel),
    readBytes: (rel, max) => failed(rel) ?? inner.readBytes(rel, max),
    list: (rel) => inner.list(rel),
    exists: (rel) => (fail(rel)?.kind === 'missing' ? false : inner.exists(rel)),
    commandEnabled: (n) => inner.commandEnabled(n),
    runCommand: (n) => inner.runCommand(n),
  };
}

const base = () => openHost(path.join(FIXTURES, 'bare-metal-acpi-cpufreq-boost'));

describe('sysfs failing mid-probe', () => {
  it('EAGAIN on one CPU: absent with the reason, PROBE_FAILED, the other CPUs intact', async () => {
    const s = await probeHost(faulty(base(), (rel) => (rel.endsWith('policy2/scaling_cur_freq') ? { kind: 'busy', reason: 'EAGAIN: resource temporarily unavailable' } : null)));
    expect(s.absent).toContainEqual({ path: 'sys/devices/system/cpu/cpufreq/policy2/scaling_cur_freq', reason: 'EAGAIN: resource temporarily unavailable' });
    expect(s.cpufreq.policies.map((p) => p.scalingCurKhz)).toEqual([3401000, 1600000, null, 1600000]);
    const r = diagnose(s);
    expect(r.findings.find((f) => f.id === 'PROBE_FAILED')!.evidence).toEqual(['sys/devices/system/cpu/cpufreq/policy2/scaling_cur_freq: EAGAIN: resource temporarily unavailable']);
    expect(r.cpus.find((c) => c.cpu === 2)!.curHz).toBeNull();
    expect(r.cpus.find((c) => c.cpu === 1)!.curHz).toBe(1_600_000_000);
  });

  it('a CPU going offline between listing and reading: its files vanish (ENOENT), nothing breaks', async () => {
    const s = await probeHost(faulty(base(), (rel) => (/cpu3\/|policy3\//.test(rel) ? { kind: 'missing', reason: 'ENOENT: not present' } : null)));
    const r = diagnose(s);
    expect(r.status).toBe('ok');
    expect(r.cpus.map((c) => c.cpu)).toEqual([0, 1, 2]);
    expect(r.findings.map((f) => f.id)).not.toContain('PROBE_FAILED');
  });

  it('EACCES on world-readable files is a failure; on root-only cpuinfo_cur_freq it is not', async () => {
    const s = await probeHost(faulty(base(), (rel) => (/policy0\/(scaling_driver|cpuinfo_cur_freq)$/.test(rel) ? { kind: 'denied', reason: 'EACCES: permission denied' } : null)));
    expect(s.problems.map((p) => p.path)).toEqual(['sys/devices/system/cpu/cpufreq/policy0/scaling_driver']);
  });

  it('every read failing: a report, never an exception', async () => {
    const s = await probeHost(faulty(base(), () => ({ kind: 'io-error', reason: 'EIO: input/output error' })));
    const r = diagnose(s);
    expect(r.findings.map((f) => f.id)).toContain('PROBE_FAILED');
    expect(['unknown', 'warning']).toContain(r.status);
  });
});
