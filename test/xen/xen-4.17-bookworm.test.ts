import { RELEASES } from './releases.js';
import { releaseSuite } from './suite.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';

releaseSuite(RELEASES.bookworm, Object.keys(SCENARIOS) as ScenarioName[]);
