import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tmpDir } from '../helpers.js';
import { waitFor } from '../net.js';
import { query, startPrometheus, type PrometheusServer } from '../ops/prometheus-server.js';
import { SAME_REPORT, startSshWorld, type SshWorld } from '../remote/ssh-world.js';
import { startFleet, type FleetProcess } from './fleet-process.js';

/**
 * Prometheus' own sharding over a fleet, with real parts: two Prometheus servers (shard 0 and 1) each
 * using the shipped prometheus/fleet-scrape.yml (http_sd from its exporter, hashmod, /probe?target=),
 * two exporters reading the same targets file, one real sshd behind all targets. Every target must be
 * scraped by exactly one shard, and each exporter must collect only its own shard's targets.
 */
let w: SshWorld;
const exporters: FleetProcess[] = [];
const proms: PrometheusServer[] = [];

/** The shipped scrape config for one shard, with test-speed intervals. */
function shardConfig(exporter: string, shard: number): string[] {
  const text = fs.readFileSync(path.join(REPO, 'prometheus/fleet-scrape.yml'), 'utf8')
    .replaceAll('EXPORTER', exporter).replace('modulus: SHARDS', 'modulus: 2').replace(/regex: SHARD\b/, `regex: "${shard}"`)
    .replace('scrape_interval: 60s', 'scrape_interval: 2s').replace('scrape_timeout: 30s', 'scrape_timeout: 2s').replace('refresh_interval: 1m', 'refresh_interval: 2s');
  const lines = text.split('\n');
  return lines.slice(lines.indexOf('scrape_configs:') + 1).filter((l) => !/^\s*#/.test(l) && l.trim());
}

beforeAll(async () => {
  w = await startSshWorld();
  const file = path.join(tmpDir('fleet-shard-'), 'targets.yml');
  fs.writeFileSync(file, `defaults:\n  known_hosts: ${w.knownHosts}\n  timeout: 10s\n  interval: 10s\ntargets:\n${SAME_REPORT.map((n) => `  - name: ${n}\n    destination: 127.0.0.1:${w.sshd.port}\n    identity_file: ${w.keys[n]!.private}`).join('\n')}\n`);
  for (let shard = 0; shard < 2; shard++) {
    const e = await startFleet(file);
    exporters.push(e);
    proms.push(await startPrometheus([], [], shardConfig(e.address, shard)));
  }
}, 240_000);

afterAll(async () => {
  await Promise.all(proms.map((p) => p.stop()));
  await Promise.all(exporters.map((e) => e.stop()));
  await w?.sshd.stop();
});

describe('Prometheus hashmod sharding over fleet exporters', () => {
  it('every target is scraped by exactly one shard, up and collected; each exporter collects only its shard', async () => {
    const seen: string[][] = [[], []];
    await waitFor(async () => {
      for (let i = 0; i < 2; i++) {
        const up = await query(proms[i]!.url, 'xen_pm_target_up{job="xen-pm"} == 1');
        seen[i] = up.map((s) => s.metric['instance']!).sort();
      }
      return seen[0]!.length + seen[1]!.length === SAME_REPORT.length;
    }, 90_000, () => `${JSON.stringify(seen)}\n${proms.map((p) => p.logs.join('')).join('\n')}\n${exporters.map((e) => e.log()).join('\n')}`);
    expect([...seen[0]!, ...seen[1]!].sort()).toEqual([...SAME_REPORT].sort());
    expect(seen[0]!.filter((t) => seen[1]!.includes(t))).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const own = (await exporters[i]!.get('/metrics')).text;
      expect(own).toContain(`xen_pm_fleet_targets{state="active"} ${seen[i]!.length}`);
      // The exporter's /fleet agrees: its shard's targets have results, the others were never collected.
      const overview = (await exporters[i]!.get('/fleet')).text;
      for (const t of SAME_REPORT) expect(overview).toMatch(new RegExp(`^${seen[i]!.includes(t) ? '(OK|WARNING|CRITICAL|UNKNOWN)' : 'NOT PROBED'} +${t.replace(/\./g, '\\.')} `, 'm'));
    }
    // The fleet exporter's own metrics, scraped by the second job, are there too.
    expect((await query(proms[0]!.url, 'xen_pm_fleet_targets')).length).toBe(2);
  });
});
