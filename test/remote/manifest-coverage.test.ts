import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNames, tmpDir } from '../helpers.js';
import type { HostRoot } from '../../src/probe/host-root.js';
import type { CommandName } from '../../src/probe/commands.js';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { CAPTURE_METADATA, manifestCovers } from '../../src/probe/read-manifest.js';
// @ts-expect-error: a plain .mjs script without types
import { generateFixture } from '../../scripts/generate-fixture.mjs';

/** Wraps a host root and notes every path the probe asks about, found or not. */
class PathRecorder implements HostRoot {
  readonly paths = new Set<string>();
  constructor(private readonly inner: HostRoot) {}
  get path() { return this.inner.path; }
  get live() { return this.inner.live; }
  readText(rel: string) { this.paths.add(rel); return this.inner.readText(rel); }
  readBytes(rel: string, max: number) { this.paths.add(rel); return this.inner.readBytes(rel, max); }
  list(rel: string) { this.paths.add(rel); return this.inner.list(rel); }
  exists(rel: string) { this.paths.add(rel); return this.inner.exists(rel); }
  commandEnabled(name: CommandName) { return this.inner.commandEnabled(name); }
  runCommand(name: CommandName) { return this.inner.runCommand(name); }
}

async function pathsRead(dir: string): Promise<string[]> {
  const rec = new PathRecorder(openHost(dir));
  await probeHost(rec);
  return [...rec.paths];
}

/** The collector reads what the manifest says; the probe must never read anything else. */
describe('the read manifest covers every path the probe reads', () => {
  it.each(fixtureNames())('%s', async (name) => {
    const paths = await pathsRead(path.join(FIXTURES, name));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !manifestCovers(p) && !CAPTURE_METADATA.includes(p))).toEqual([]);
  });

  it('a generated 64-CPU host with full P- and C-state data', async () => {
    const dir = tmpDir('manifest-64-');
    generateFixture(64, dir);
    const paths = await pathsRead(dir);
    expect(paths.length).toBeGreaterThan(64 * 30);
    expect(paths.filter((p) => !manifestCovers(p) && !CAPTURE_METADATA.includes(p))).toEqual([]);
  });

  it('and nothing beyond it', () => {
    for (const p of ['etc/shadow', 'proc/self/environ', 'sys/devices/system/cpu/cpu0/cpufreq/../../../../../etc', 'sys/devices/system/cpu/cpuX/online',
      'sys/firmware/acpi/tables/FACP', 'sys/devices/system/cpu/cpufreq/policy0/stats/reset', 'root/.ssh/id_ed25519']) {
      expect(manifestCovers(p), p).toBe(false);
    }
    for (const p of ['sys/devices/system/cpu/cpu12/cpuidle/state3/usage', 'sys/firmware/acpi/tables/SSDT', 'sys/firmware/acpi/tables/dynamic/SSDT17', 'sys', 'proc/xen']) {
      expect(manifestCovers(p), p).toBe(true);
    }
  });
});
