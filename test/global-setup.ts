import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { compare, describeLeftovers, snapshot } from './ops/machine-state.js';

/**
 * Suite-level guard (vitest globalSetup). Before any test:
 *  - unpacks the test tools into a private cache (scripts/ensure-test-tools.sh) and puts their bin
 *    first on PATH, so every test runs those, never a system-wide install; the same for chromium
 *    (scripts/ensure-test-browser.sh), whose wrapper's path goes in XEN_PM_TEST_CHROMIUM;
 *  - gives the run its own scratch directory (TMPDIR) and an environment marker every process it
 *    starts inherits;
 *  - records enabled units, active services and the process list.
 * After the last test it fails the run when a unit was enabled or disabled, a service started, or a
 * process the suite started is still running — and removes the scratch directory.
 * Workers are forked after this runs, so they inherit PATH, TMPDIR and the marker.
 */
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export default async function setup(): Promise<() => Promise<void>> {
  const bin = execFileSync('bash', [path.join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 }).trim();
  process.env['PATH'] = `${bin}:${process.env['PATH'] ?? ''}`;
  process.env['XEN_PM_TEST_TOOLS_BIN'] = bin;
  // Debian's chromium for the landing-page test, unpacked beside the tools (its own cache, see the script).
  process.env['XEN_PM_TEST_CHROMIUM'] = execFileSync('bash', [path.join(REPO, 'scripts/ensure-test-browser.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 }).trim();

  const id = randomUUID();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xen-pm-exporter-run-'));
  // Readable by the unprivileged users some tests run the daemon as.
  fs.chmodSync(scratch, 0o755);
  process.env['TMPDIR'] = scratch;
  const marker = `XEN_PM_TEST_RUN=${id}`;
  process.env['XEN_PM_TEST_RUN'] = id;

  const before = snapshot();
  return async () => {
    // A process told to stop in an afterAll may still be flushing (Prometheus closes its TSDB):
    // give stragglers a bounded grace period before calling them leftovers.
    let problems: string[] = [];
    for (let i = 0; i < 40; i++) {
      problems = describeLeftovers(compare(before, snapshot(), { marker, scratch, self: process.pid }));
      if (!problems.length) break;
      await sleep(250);
    }
    fs.rmSync(scratch, { recursive: true, force: true });
    if (problems.length) {
      throw new Error(`the test suite did not leave the machine as it found it:\n  ${problems.join('\n  ')}`);
    }
  };
}
