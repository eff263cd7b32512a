import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNames } from '../helpers.js';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { HostRoot } from '../../src/probe/host-root.js';
import { decodeStream } from '../../src/remote/stream-decoder.js';
import { StreamHost } from '../../src/remote/stream-host.js';
import { dropUnrecorded, fakeTools, runCollector, SHELLS } from './collector-harness.js';

const NOW = () => new Date('2026-01-01T00:00:00Z');

/** The snapshot and report of a host, without what legitimately differs between a directory and a stream. */
async function seen(host: HostRoot) {
  const snapshot = await probeHost(host, { now: NOW });
  const report = diagnose(snapshot);
  // The host's name is left out too: a capture directory names its host in capture.json, which the collector
  // (host paths only) never reads; a stream carries it in its `M hostname` line instead.
  const strip = <T extends object>(o: T) => JSON.parse(JSON.stringify(o, (k, v) => (['root', 'origin', 'durationMs', 'durationsMs', 'generatedAt', 'sources', 'hostname', 'host'].includes(k) ? undefined : v)));
  return { snapshot: strip(snapshot), report: strip(report) };
}

/**
 * The collector, run by each shell a dom0 may have, over every fixture: the decoded stream must give
 * the probe exactly what the fixture directory gives it, and so the same diagnosis.
 */
// bash as `sh` (CentOS 7's /bin/sh) is bash's POSIX mode: --posix stands for it here, and both run in
// the every-shell and stdin-mode tests.
describe.each(['dash', 'busybox', 'bash-posix'])('collector under %s', (shell) => {
  it.each(fixtureNames())('%s: the stream diagnoses like the capture directory', async (name) => {
    const dir = path.join(FIXTURES, name);
    const run = await runCollector(shell, ['--root', dir], { bin: fakeTools(dir) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.leftBehind).toBe(false);
    const decoded = decodeStream(Buffer.from(dropUnrecorded(run.stdout.toString('latin1')), 'latin1'));
    if (!decoded.ok) throw new Error(`refused: line ${decoded.line}: ${decoded.reason}`);
    const viaStream = await seen(new StreamHost(`collector:${shell}`, decoded.capture));
    const viaDir = await seen(openHost(dir));
    expect(viaStream.snapshot).toEqual(viaDir.snapshot);
    expect(viaStream.report).toEqual(viaDir.report);
  });
});

describe('collector output is the same under every shell', () => {
  it('byte for byte, apart from the start time', async () => {
    const dir = path.join(FIXTURES, 'qemu-xen-4.17-pinned-under-load');
    const bin = fakeTools(dir);
    const outs = await Promise.all(Object.keys(SHELLS).map(async (sh) => (await runCollector(sh, ['--root', dir], { bin })).stdout.toString('latin1').replace(/^M started .*$/m, '')));
    for (const o of outs.slice(1)) expect(o).toBe(outs[0]);
    expect(fs.existsSync(dir)).toBe(true);
  });
});
