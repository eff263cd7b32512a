import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { checkDashboard } from './grafana-schema.js';

// Its own file (own worker): the TypeScript compiler holds the event loop for seconds, which would
// stall the advancing capture the Prometheus dashboard test depends on.
const dashboard = JSON.parse(fs.readFileSync(path.join(REPO, 'grafana/xen-pm-dashboard.json'), 'utf8')) as { panels: Array<{ type: string; title: string }> };

describe('the dashboard against Grafana\'s published types', () => {
  it("matches Grafana's published dashboard and panel types (@grafana/schema)", () => {
    expect(checkDashboard(dashboard)).toEqual([]);
  });

  it('the type check is not a formality: a misspelt option or a wrong enum value fails it', () => {
    const bad = structuredClone(dashboard) as unknown as { panels: Array<Record<string, any>> };
    bad.panels.find((p) => p['title'] === 'Verdict')!['options'].colourMode = 'background';
    bad.panels.find((p) => p['title'] === 'Critical')!['fieldConfig'].defaults.thresholds.mode = 'absolut';
    const errors = checkDashboard(bad as never).join('\n');
    expect(errors).toMatch(/colourMode/);
    expect(errors).toMatch(/absolut/);
  });

});
