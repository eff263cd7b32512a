import { RELEASES } from './releases.js';
import { releaseSuite } from './suite.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';

/**
 * The real-Xen release matrix: each Debian release's own Xen, tools and dom0 kernel under QEMU, the
 * daemon running inside dom0. Every boot is one concurrent test; XPM_XEN_PARALLEL (default 2) QEMUs run
 * at once (vitest.xen.config.ts). Set XPM_SAVE_CAPTURES=DIR to keep the captures as fixtures.
 */
const ALL = Object.keys(SCENARIOS) as ScenarioName[];
releaseSuite(RELEASES.trixie, ALL);
releaseSuite(RELEASES.bookworm, ALL);
// Debian 11: the hand-off situations (the newer scenarios run on 4.17 and 4.20).
releaseSuite(RELEASES.bullseye, ['stock-firmware', 'pstates-uploaded', 'module-late', 'module-off', 'smt-siblings-parked']);
