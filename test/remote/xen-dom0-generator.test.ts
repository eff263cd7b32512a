import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (bench input), no types
import { generateXenDom0Fixture } from '../../scripts/generate-xen-dom0-fixture.mjs';
import { decodeStream } from '../../src/remote/stream-decoder.js';
import { StreamHost } from '../../src/remote/stream-host.js';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { tmpDir } from '../helpers.js';
import { fakeTools, runCollector } from './collector-harness.js';

/**
 * The benchmark's dom0 (scripts/generate-xen-dom0-fixture.mjs, bench/target-cost.mjs) must be what it says:
 * a Xen host whose xenpm sees N physical CPUs, a PV dom0 of min(N, 16) vCPUs, and a stream from the real
 * collector that the exporter judges exactly as the capture directory.
 */
describe('the generated N-CPU Xen dom0 of the benchmark', () => {
  it('is read as a PV dom0 with N CPUs under Xen and 16 of its own, the hand-off done', async () => {
    const root = tmpDir('xen-dom0-40-');
    generateXenDom0Fixture(40, root);
    const snap = await probeHost(openHost(root));
    const report = diagnose(snap);
    expect(snap.platform?.guestType).toBe('PV');
    expect(snap.cpus.online).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(snap.cpufreq.policies).toEqual([]);
    expect(snap.xen.para?.cpus.map((c) => c.cpu)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(snap.xen.states?.cpus).toHaveLength(40);
    expect(snap.xen.idle?.cpus).toHaveLength(40);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('the collector’s stream of it gives the same report as the directory', async () => {
    const root = tmpDir('xen-dom0-20-');
    generateXenDom0Fixture(20, root);
    const run = await runCollector('bash-posix', ['--root', root], { bin: fakeTools(root) });
    expect(run.code, run.stderr).toBe(0);
    const d = decodeStream(run.stdout);
    if (!d.ok) throw new Error(d.reason);
    const fromStream = diagnose(await probeHost(new StreamHost('ssh://bench', d.capture)));
    const fromDir = diagnose(await probeHost(openHost(root)));
    const verdict = (r: typeof fromDir) => ({ status: r.status, findings: r.findings.map((f) => [f.id, f.summary]) });
    expect(verdict(fromStream)).toEqual(verdict(fromDir));
    expect(fs.existsSync(path.join(root, 'commands/xenpm-get-cpufreq-para.stdout'))).toBe(true);
  });
});
