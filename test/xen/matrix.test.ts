import { RELEASES } from './releases.js';
import { matrixSuite } from './suite.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';

/**
 * The real-Xen release matrix: each Debian release's own Xen, tools and dom0 kernel under QEMU, the
 * daemon running inside dom0. Every boot is one concurrent test; XPM_XEN_PARALLEL (default 2) QEMUs run
 * at once (vitest.xen.config.ts). Set XPM_SAVE_CAPTURES=DIR to keep the captures as fixtures.
 *
 * XPM_XEN_MATRIX picks the boots: `full` (the default: npm run test:xen, what CI runs) is every scenario
 * on 4.20 and 4.17 and the hand-off scenarios on 4.14; `quick` (npm run test:xen:quick) is one boot per
 * release that together cover the hand-off missing and appearing, parked siblings, governors and the
 * collector — for a developer's turn-around. Both run the same code; the full matrix's captures are
 * the fixtures every `npm test` replays.
 */
// pstates-uploaded is the first step of the under-load boot: a boot of its own only where that boot is not run.
const ALL = (Object.keys(SCENARIOS) as ScenarioName[]).filter((n) => n !== 'pstates-uploaded');
const HANDOFF: ScenarioName[] = ['stock-firmware', 'pstates-uploaded', 'module-late', 'cpufreq-none', 'ppc-capped', 'smt-siblings-parked'];

const MATRICES: Record<string, Array<[keyof typeof RELEASES, ScenarioName[]]>> = {
  full: [['trixie', ALL], ['bookworm', ALL], ['bullseye', HANDOFF]],
  quick: [['trixie', ['module-late']], ['bookworm', ['governors']], ['bullseye', ['smt-siblings-parked']]],
};

const which = process.env.XPM_XEN_MATRIX ?? 'full';
const matrix = MATRICES[which];
if (!matrix) throw new Error(`XPM_XEN_MATRIX=${which}: expected one of ${Object.keys(MATRICES).join(', ')}`);
// XPM_XEN_ONLY=suite:scenario,… narrows a run to named boots (re-running one cell); never used by CI.
const only = process.env.XPM_XEN_ONLY?.split(',').filter(Boolean);
const boots = matrix.flatMap(([suite, names]) => names.filter((n) => !only || only.includes(`${suite}:${n}`)).map((n) => [RELEASES[suite], n] as const));
if (boots.length === 0) throw new Error(`XPM_XEN_ONLY=${process.env.XPM_XEN_ONLY} names no boot of the ${which} matrix`);
matrixSuite(boots);
