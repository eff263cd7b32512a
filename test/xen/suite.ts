import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openHost } from '../../src/probe/open-host.js';
import { probeHost } from '../../src/probe/probe-host.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { boot, type BootResult, type Scenario, type StepResult } from './boot.js';
import { COLLECTOR, prepareRelease, type ReleaseImage } from './image.js';
import { recordCell } from './matrix.js';
import type { Release } from './releases.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';
import { EXPECTATIONS } from './expectations.js';
import { writeFixtureReadme } from './fixture-readme.js';

export const ids = (r: { findings: Array<{ id: string }> }) => r.findings.map((f) => f.id).sort();
const HISTORY_ONLY = ['FREQUENCY_STUCK_BELOW_MAX'];

/** Fixture name of one step's capture: qemu-xen-<xen>-<scenario>[-<step>]. */
export const fixtureName = (rel: Release, sc: Scenario, step: string) =>
  `qemu-xen-${rel.xen}-${sc.name}${(sc.steps ?? ['main']).length > 1 ? `-${step}` : ''}`;

/**
 * The views must agree at every step: the running daemon (/health), `check` run inside dom0 right
 * after (scenarios that ask for it), and `check --root` on the capture taken inside dom0 (run here, on
 * the host). Findings that need probe history (stuck frequency) exist only in the daemon.
 */
async function expectViewsAgree(rel: Release, sc: Scenario, step: string, r: StepResult) {
  const daemon = [r.health.status, ids(r.health).filter((x) => !HISTORY_ONLY.includes(x))];
  expect(r.health.platform.kind).toBe('xen-dom0');
  expect(r.healthStatus).toBe(r.health.status === 'critical' ? 503 : 200);
  if (r.check) {
    expect([r.check.status, ids(r.check)], `in-dom0 check after step ${step}`).toEqual(daemon);
    expect(r.checkExit).toBe({ ok: 0, warning: 1, critical: 2, unknown: 3 }[r.check.status]);
  }
  const cap = diagnose(await probeHost(openHost(r.captureDir)));
  expect([cap.status, ids(cap)], `check --root on the capture after step ${step}`).toEqual(daemon);
  if (r.check) expect(cap.verdict).toBe(r.check.verdict);
  const save = process.env.XPM_SAVE_CAPTURES;
  if (save) fs.cpSync(r.captureDir, path.join(save, fixtureName(rel, sc, step)), { recursive: true, verbatimSymlinks: true });
}

const verdictOf = (r: StepResult) => `${r.health.status}${r.health.findings.length ? ` ${ids(r.health).join(', ')}` : ''}`;

/** One describe per release: prepare its image once, boot each scenario once (concurrently with other boots), check every step. */
export function releaseSuite(rel: Release, names: ScenarioName[]): void {
  // Built by the first test that needs it, so a release whose packages cannot be had FAILS every one
  // of its cells (with the reason) instead of skipping them.
  let img: ReleaseImage | Error | null = null;
  const image = (): ReleaseImage => {
    if (img === null) {
      try { img = prepareRelease(rel, { node: inject('xenNodeCpio'), overlay: inject('xenOverlayCpio') }); } catch (e) { img = e as Error; }
    }
    if (img instanceof Error) throw new Error(`the ${rel.suite} dom0 image could not be built: ${img.message}`);
    return img;
  };

  describe.concurrent(`real Xen ${rel.xen} + Linux ${rel.linux} dom0 (Debian ${rel.debian} ${rel.suite}) under QEMU`, () => {
    for (const name of names) {
      const sc: Scenario = SCENARIOS[name];
      it(`${name}: ${EXPECTATIONS[name].title}`, async () => {
        let res: BootResult | null = null;
        let passed = false;
        try {
          const built = image();
          res = await boot(built, sc);
          const save = process.env.XPM_SAVE_CAPTURES;
          for (const [step, r] of Object.entries(res.steps)) {
            await expectViewsAgree(rel, sc, step, r);
            if (save) writeFixtureReadme(path.join(save, fixtureName(rel, sc, step)), built, sc, step, res);
          }
          await EXPECTATIONS[name].check(res, rel);
          // The fleet collector's hook: its stream comes out exactly when the repository has the script.
          if (fs.existsSync(COLLECTOR)) expect(res.collectorStream?.length, res.blocks['collector-stderr']).toBeGreaterThan(0);
          else expect(res.collectorStream).toBeNull();
          passed = true;
        } finally {
          recordCell({
            suite: rel.suite, xen: rel.xen, scenario: name, passed, seconds: res?.seconds ?? 0,
            verdict: res ? Object.entries(res.steps).map(([s, r]) => `${Object.keys(res!.steps).length > 1 ? `${s}: ` : ''}${verdictOf(r)}`).join('; ') : 'no boot',
          });
        }
      }, (sc.timeoutS + 600) * 1000);
    }
  });
}
