import { RELEASES } from './releases.js';
import { releaseSuite } from './suite.js';

// Debian 11: the hand-off situations (the newer scenarios run on 4.17 and 4.20).
releaseSuite(RELEASES.bullseye, ['stock-firmware', 'pstates-uploaded', 'module-blacklisted', 'late-module-load', 'module-off', 'smt-siblings-parked']);
