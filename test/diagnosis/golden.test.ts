import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNames, reportFor } from '../helpers.js';

/**
 * Each fixture's whole report is pinned in `expected-report.json` (node_exporter's e2e-output
 * habit). After an intended change, rewrite them with `UPDATE_GOLDEN=1 npm test` and review the diff.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('golden reports', () => {
  for (const name of fixtureNames()) {
    it(`check --root ${name} matches its golden report`, async () => {
      const report = await reportFor(path.join(FIXTURES, name));
      const golden = path.join(FIXTURES, name, 'expected-report.json');
      const text = JSON.stringify(report, null, 2) + '\n';
      if (UPDATE) fs.writeFileSync(golden, text);
      expect(fs.existsSync(golden), `${golden} is missing: write it with UPDATE_GOLDEN=1 npm test and review it`).toBe(true);
      expect(text).toBe(fs.readFileSync(golden, 'utf8'));
    });
  }
});
