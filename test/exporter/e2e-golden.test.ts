import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixtureNames } from '../helpers.js';
import { startDaemon, waitHealthy, type Daemon } from '../daemon.js';

/**
 * The real daemon on every fixture, `/metrics` diffed against a golden file (node_exporter's
 * e2e-output test). Volatile series (timestamps, durations, counters of probes, runtime version)
 * are filtered. `UPDATE_GOLDEN=1 npm test` rewrites the goldens.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const VOLATILE = /^xen_pm_(last_probe_timestamp_seconds|probe_duration_seconds|probes_total|probes_skipped_total|build_info)\b/;

function stable(text: string): string {
  return text.split('\n').filter((l) => !VOLATILE.test(l)).join('\n');
}

const daemons: Daemon[] = [];
afterAll(async () => { await Promise.all(daemons.map((d) => d.stop())); });

describe('end-to-end /metrics per fixture', () => {
  for (const name of fixtureNames()) {
    it(name, async () => {
      const d = await startDaemon(['--root', path.join(FIXTURES, name), '--probe.interval', '60s', '--web.disable-exporter-metrics']);
      daemons.push(d);
      await waitHealthy(d);
      const res = await fetch(`${d.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(lint.error, 'promtool must be installed (Debian package prometheus; .ci/run installs it)').toBeUndefined();
      expect(lint.status, `promtool check metrics:\n${lint.stdout}${lint.stderr}`).toBe(0);
      expect(lint.stdout + lint.stderr).toBe('');
      const golden = path.join(FIXTURES, name, 'expected-metrics.prom');
      if (UPDATE) fs.writeFileSync(golden, stable(text));
      expect(fs.existsSync(golden), `${golden} is missing: write it with UPDATE_GOLDEN=1 npm test and review it`).toBe(true);
      expect(stable(text)).toBe(fs.readFileSync(golden, 'utf8'));
      await d.stop();
    });
  }
});
