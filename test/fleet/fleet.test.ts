import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, reportFor, tmpDir } from '../helpers.js';
import { waitFor } from '../net.js';
import { freePort } from '../remote/sshd.js';
import { killHang, SAME_REPORT, startSshWorld, type SshWorld } from '../remote/ssh-world.js';
import { startFleet, type FleetProcess } from './fleet-process.js';

/**
 * Fleet mode end to end with real parts: the built binary (`serve --targets`), a real sshd whose
 * forced-command keys run the checked-in collector over fixtures, and remotes that are dead, hang or
 * send garbage. Asserts the multi-target endpoints, that every failure is a typed unknown (never an
 * OK), that a hanging dom0 does not hold up the others, and SIGHUP reloads.
 */
let w: SshWorld;
let fleet: FleetProcess;
let targetsFile: string;
let deadPort: number;

/** One target per fixture key, plus `dead` (a port nobody listens on) and the world's hostile keys by name. */
const yamlTargets = (names: string[]) => names.map((n) => `  - name: ${n}
    destination: 127.0.0.1:${n === 'dead' ? deadPort : w.sshd.port}
    identity_file: ${w.keys[n === 'dead' ? 'refused' : n]!.private}
    labels: { fixture: "${n}" }`).join('\n');

function writeTargets(names: string[]): void {
  fs.writeFileSync(targetsFile, `defaults:\n  known_hosts: ${w.knownHosts}\n  timeout: 5s\n  interval: 10s\ntargets:\n${yamlTargets(names)}\n`);
}

beforeAll(async () => {
  w = await startSshWorld();
  deadPort = await freePort();
  targetsFile = path.join(tmpDir('fleet-'), 'targets.yml');
  writeTargets([...SAME_REPORT, 'dead', 'hang', 'garbage']);
  fleet = await startFleet(targetsFile);
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  await killHang(w);
  await w?.sshd.stop();
});

const strip = (r: Record<string, unknown>) => {
  const { generatedAt: _g, sources: _s, host: _h, ...rest } = r;
  return rest;
};

describe('fleet mode: serve --targets', () => {
  it('lists every target for http_sd, with its labels, and none is collected before it is asked for', async () => {
    const sd = JSON.parse((await fleet.get('/targets')).text);
    expect(sd).toHaveLength(SAME_REPORT.length + 3);
    expect(sd[0]).toEqual({ targets: [SAME_REPORT[0]], labels: { fixture: SAME_REPORT[0] } });
    const overview = (await fleet.get('/fleet')).text;
    expect(overview).toMatch(new RegExp(`^${SAME_REPORT.length + 3} targets: ${SAME_REPORT.length + 3} not probed`));
    expect(fleet.log()).not.toMatch(/collected|collection failed/);
  });

  it('a hanging dom0 holds its own slot only: the others are collected while it hangs', async () => {
    const hang = fleet.get('/probe?target=hang');
    await new Promise((r) => setTimeout(r, 300));
    const first = await fleet.get(`/probe?target=${SAME_REPORT[0]}`);
    expect(first.status).toBe(200);
    // The hanging collection (5 s timeout) is still under way when the other has its answer.
    expect((await fleet.get('/fleet')).text).toMatch(/PENDING +hang/);
    const h = await hang;
    expect(h.status).toBe(200);
    expect(h.text).toMatch(/^xen_pm_target_up 0$/m);
    expect(h.text).toMatch(/^xen_pm_collection_failure\{kind="timeout"\} 1$/m);
  });

  it.each(SAME_REPORT)('%s: /probe and /health?target= say what check --root says of the fixture', async (f) => {
    const m = await fleet.get(`/probe?target=${f}`, { 'X-Prometheus-Scrape-Timeout-Seconds': '20' });
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/^xen_pm_target_up 1$/m);
    expect(m.text).toMatch(/^xen_pm_collector_info\{collector="xen-pm-collect [0-9a-f]{16}",current="true"\} 1$/m);
    const h = await fleet.get(`/health?target=${f}`);
    const report = JSON.parse(h.text);
    expect(h.status).toBe(report.status === 'critical' ? 503 : 200);
    const local = await reportFor(path.join(FIXTURES, f));
    expect(strip(report)).toEqual(strip(JSON.parse(JSON.stringify(local))));
  });

  it.each([
    ['dead', 'connection-refused'],
    ['garbage', 'bad-stream'],
  ])('a %s dom0 is unknown with its failure quoted, never OK', async (name, kind) => {
    const m = await fleet.get(`/probe?target=${name}`);
    expect(m.text).toMatch(/^xen_pm_target_up 0$/m);
    expect(m.text).toContain(`xen_pm_collection_failure{kind="${kind}"} 1`);
    const h = await fleet.get(`/health?target=${name}&format=text`);
    expect(h.status).toBe(200);
    expect(h.text).toMatch(/^UNKNOWN: /);
    expect(h.text).toContain(`${kind}: `);
  });

  it('unknown or missing target: 404 and 400, and nothing is collected for them', async () => {
    expect((await fleet.get('/probe?target=nosuch')).status).toBe(404);
    expect((await fleet.get('/probe')).status).toBe(400);
    expect((await fleet.get('/health?target=%1b%5b2J')).text).toBe('unknown target "\\u001b[2J": not in the targets file\n');
  });

  it('the overview puts the worst first; the exporter counts collections by result', async () => {
    const text = (await fleet.get('/fleet')).text;
    const order = text.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/)[0]);
    const rank = ['CRITICAL', 'UNKNOWN', 'WARNING', 'OK', 'PENDING', 'NOT'];
    expect(order.map((s) => rank.indexOf(s!))).toEqual([...order.map((s) => rank.indexOf(s!))].sort((a, b) => a - b));
    expect(text).toMatch(/^CRITICAL +qemu-xen-4\.17-module-blacklisted .*\[hand-off no, driver -\]$/m);
    expect(text).toMatch(/^OK +qemu-xen-4\.17-pstates-uploaded .*\[hand-off yes, driver acpi-cpufreq\]$/m);
    const json = JSON.parse((await fleet.get('/fleet?format=json')).text);
    expect(json.targets.find((t: { name: string }) => t.name === 'dead')).toMatchObject({ status: 'unknown', failure: expect.stringMatching(/connection refused/) });
    expect(json.targets.find((t: { name: string }) => t.name === 'qemu-xen-4.17-module-blacklisted')).toMatchObject({
      status: 'critical', handoff: 'no', findings: expect.arrayContaining(['XEN_PSTATE_HANDOFF_MISSING', 'XEN_ACPI_PROCESSOR_NOT_LOADED']),
    });
    const own = (await fleet.get('/metrics')).text;
    expect(own).toMatch(/^xen_pm_fleet_collections_total\{result="ok"\} [1-9]/m);
    expect(own).toMatch(/^xen_pm_fleet_collections_total\{result="connection-refused"\} [1-9]/m);
    expect(own).toMatch(/^xen_pm_fleet_targets\{state="active"\} 7$/m);
    expect(own).toMatch(/^xen_pm_fleet_targets\{state="idle"\} 0$/m);
    expect(own).toMatch(/^process_resident_memory_bytes /m);
    const page = await fleet.get('/');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.text).toContain('qemu-xen-4.17-module-blacklisted');
  });

  it('SIGHUP re-reads the targets file; a broken file keeps the previous targets', async () => {
    writeTargets([SAME_REPORT[0]!, SAME_REPORT[1]!]);
    fleet.proc.kill('SIGHUP');
    await waitFor(async () => JSON.parse((await fleet.get('/targets')).text).length === 2, 10_000, fleet.log);
    expect((await fleet.get('/probe?target=dead')).status).toBe(404);
    expect(fleet.log()).toMatch(/SIGHUP: targets file reloaded.*removed=5/);
    fs.writeFileSync(targetsFile, 'targets:\n  - name: x\n    destination: -oProxyCommand=sh\n');
    fleet.proc.kill('SIGHUP');
    await waitFor(async () => /targets file refused/.test(fleet.log()), 10_000, fleet.log);
    expect(fleet.log()).toMatch(/targets\[0\]\.destination: not an SSH destination/);
    expect(JSON.parse((await fleet.get('/targets')).text)).toHaveLength(2);
    expect((await fleet.get('/metrics')).text).toMatch(/^xen_pm_fleet_config_last_reload_successful 0$/m);
  });

  it('SIGTERM: exits 0, promptly, connections closed', async () => {
    const code = await fleet.stop();
    expect(code).toBe(0);
    expect(fleet.log()).toMatch(/shutting down/);
  });
});
