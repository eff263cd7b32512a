import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { decodeStream } from '../../src/remote/stream-decoder.js';
import { StreamHost } from '../../src/remote/stream-host.js';
import { boot, type BootResult, type Scenario, type StepResult } from './boot.js';
import { COLLECTOR, prepareRelease, type ReleaseImage } from './image.js';
import { recordCell } from './matrix.js';
import type { Release } from './releases.js';
import type { Report } from '../../src/diagnosis/report.js';
import { SCENARIOS, situationsOf, type ScenarioName } from './scenarios.js';
import { EXPECTATIONS } from './expectations.js';
import { writeFixtureReadme } from './fixture-readme.js';

export const ids = (r: { findings: Array<{ id: string }> }) => r.findings.map((f) => f.id).sort();
const HISTORY_ONLY = ['FREQUENCY_STUCK_BELOW_MAX'];
/** What the views' PROBE_FAILED findings say (which source, and why), so a disagreement in CI names its cause. */
const probeFailures = (...views: Report[]) => views.flatMap((r) => r.findings)
  .filter((f) => f.id === 'PROBE_FAILED').map((f) => `${f.summary} [${f.evidence.join('; ')}]`).join(' | ');

/** Fixture name of one situation's capture: qemu-xen-<xen>-<situation>. */
export const fixtureName = (rel: Release, situation: string) => `qemu-xen-${rel.xen}-${situation}`;

/**
 * The views must agree in every situation: the running daemon (/health), `check` run inside dom0
 * right after (boots that ask for it), and `check --root` on the capture taken inside dom0 (run here,
 * on the host). Findings that need probe history (stuck frequency) exist only in the daemon.
 */
async function expectViewsAgree(situation: string, r: StepResult) {
  // Without its history-only findings, the daemon's status is the worst severity of the rest.
  const rest = r.health.findings.filter((f) => !HISTORY_ONLY.includes(f.id));
  const status = rest.length === r.health.findings.length ? r.health.status
    : rest.some((f) => f.severity === 'critical') ? 'critical' : rest.some((f) => f.severity === 'warning') ? 'warning' : 'ok';
  const daemon = [status, ids({ findings: rest })];
  expect(r.health.platform.kind).toBe('xen-dom0');
  expect(r.healthStatus).toBe(r.health.status === 'critical' ? 503 : 200);
  if (r.check) {
    expect([r.check.status, ids(r.check)], `in-dom0 check in ${situation} ${probeFailures(r.check, r.health)}`).toEqual(daemon);
    expect(r.checkExit).toBe({ ok: 0, warning: 1, critical: 2, unknown: 3 }[r.check.status]);
  }
  const cap = diagnose(await probeHost(openHost(r.captureDir)));
  expect([cap.status, ids(cap)], `check --root on the capture of ${situation} ${probeFailures(cap, r.health)}`).toEqual(daemon);
  if (r.check) expect(cap.verdict).toBe(r.check.verdict);
}

const verdictOf = (r: StepResult) => `${r.health.status}${r.health.findings.length ? ` ${ids(r.health).join(', ')}` : ''}`;
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 800);

/** Checks one situation of a finished boot and records its matrix cell; returns the failure, if any. */
async function judge(rel: Release, sc: Scenario, situation: string, res: BootResult, img: ReleaseImage): Promise<unknown> {
  const r = res.steps[situation]!;
  // Both are judged even when the first fails: the cell reports the first failure.
  let error: unknown = null;
  try { await expectViewsAgree(situation, r); } catch (e) { error = e; }
  try { EXPECTATIONS[situation]!.check(r, res, rel); } catch (e) { error ??= e; }
  const save = process.env.XPM_SAVE_CAPTURES;
  if (save) {
    const dir = path.join(save, fixtureName(rel, situation));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(r.captureDir, dir, { recursive: true, verbatimSymlinks: true });
    writeFixtureReadme(dir, img, sc, situation, res);
  }
  recordCell({
    suite: rel.suite, xen: rel.xen, scenario: situation, passed: error === null, seconds: res.seconds, verdict: verdictOf(r), boot: sc.name, timeline: res.timeline,
    ...(error ? { error: firstLine(error) } : {}),
  });
  return error;
}

/**
 * Every boot of the run as one concurrent test, longest first (a boot's timeout stands for its length): with
 * two boots at a time, a long boot started last would leave one core idle while it finishes alone. Each
 * release's image is prepared once, by the first of its boots to start.
 */
export function matrixSuite(boots: ReadonlyArray<readonly [Release, ScenarioName]>): void {
  const images = new Map<string, Promise<ReleaseImage>>();
  const image = async (rel: Release): Promise<ReleaseImage> => {
    // Built by the first boot that needs it, so a release whose packages cannot be had FAILS every one
    // of its cells (with the reason) instead of skipping them.
    if (!images.has(rel.suite)) images.set(rel.suite, prepareRelease(rel, { node: inject('xenNodeCpio'), overlay: inject('xenOverlayCpio') }));
    try { return await images.get(rel.suite)!; } catch (e) { throw new Error(`the ${rel.suite} dom0 image could not be built: ${(e as Error).message}`); }
  };
  const ordered = [...boots].sort((a, b) => SCENARIOS[b[1]].timeoutS - SCENARIOS[a[1]].timeoutS);
  describe.concurrent('real Xen under QEMU, each release with its own dom0', () => {
    for (const [rel, name] of ordered) {
      const sc: Scenario = SCENARIOS[name];
      const situations = situationsOf(sc);
      it(`Xen ${rel.xen} + Linux ${rel.linux} (Debian ${rel.debian} ${rel.suite}), boot ${name}: ${situations.map((s) => `${s} (${EXPECTATIONS[s]!.title})`).join(' → ')}`, async () => {
        let res: BootResult;
        let built: ReleaseImage;
        try {
          built = await image(rel);
          res = await boot(built, sc);
        } catch (e) {
          for (const s of situations) recordCell({ suite: rel.suite, xen: rel.xen, scenario: s, boot: sc.name, passed: false, seconds: 0, verdict: 'no boot', error: firstLine(e) });
          throw e;
        }
        const errors: unknown[] = [];
        for (const s of situations) {
          const e = await judge(rel, sc, s, res, built);
          if (e) errors.push(e);
        }
        // Then init.sh sent the daemon SIGTERM, as systemd would: it must end on its own, with status 0.
        expect(res.blocks['daemon-exit']?.trim(), `the daemon after SIGTERM in dom0; its log:\n${res.blocks['daemon-log']?.slice(-2000)}`).toMatch(/^exit 0 after \d+s$/);
        // The fleet collector ran inside the same dom0 after the last step: its stream, decoded and diagnosed
        // as fleet mode does, must say what a capture of that step says.
        if (fs.existsSync(COLLECTOR)) {
          expect(res.collectorStream?.length, res.blocks['collector-stderr']).toBeGreaterThan(0);
          const decoded = decodeStream(res.collectorStream!);
          expect(decoded.ok, decoded.ok ? '' : `line ${decoded.line}: ${decoded.reason}`).toBe(true);
          if (decoded.ok) {
            expect(decoded.capture.meta.get('incomplete'), 'the collector finished within its deadline').toBeUndefined();
            const fromStream = diagnose(await probeHost(new StreamHost('ssh://dom0', decoded.capture)));
            const last = situations[situations.length - 1]!;
            const cap = diagnose(await probeHost(openHost(res.steps[last]!.captureDir)));
            expect([fromStream.status, ids(fromStream)], `collector stream after ${last}`).toEqual([cap.status, ids(cap)]);
          }
        } else expect(res.collectorStream).toBeNull();
        if (errors.length) throw errors[0];
      }, (sc.timeoutS + 600) * 1000);
    }
  });
}
