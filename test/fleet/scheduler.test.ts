import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { FleetScheduler } from '../../src/fleet/scheduler.js';
import { FleetMetrics } from '../../src/fleet/fleet-metrics.js';
import { parseTargets } from '../../src/fleet/targets-file.js';
import { freePort } from '../net.js';

/**
 * The scheduler's decisions, with targets on a local port nobody listens on (each collection fails at
 * once with connection-refused: real sockets, no sshd needed): activation on demand, idle release,
 * --fleet.keep-active, the concurrency limit, and reloads that keep unchanged targets' state.
 */
const schedulers: FleetScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop(500)));
});

async function setup(names: string[], o: { concurrency?: number; idleTimeoutMs?: number; keepActive?: boolean } = {}) {
  const port = await freePort();
  const cfg = parseTargets(`defaults: { transport: openssh, known_hosts: /dev/null, timeout: 5s, interval: 5s }\ntargets:\n${names.map((n) => `  - { name: ${n}, destination: "127.0.0.1:${port}" }`).join('\n')}\n`);
  const metrics = new FleetMetrics(false);
  const s = new FleetScheduler({ concurrency: o.concurrency ?? 4, idleTimeoutMs: o.idleTimeoutMs ?? 60_000, keepActive: o.keepActive ?? false, stuckWindowMs: 300_000, logger: pino({ level: 'silent' }), metrics });
  schedulers.push(s);
  s.setTargets(cfg);
  return { s, metrics, cfg, port };
}
const gauge = async (m: FleetMetrics, name: string) => (await m.registry.getSingleMetric(name)!.get()).values;

describe('fleet scheduler', () => {
  it('collects nothing until a target is wanted; then that one only', async () => {
    const { s } = await setup(['a', 'b', 'c']);
    expect(s.runtime('a')).toBeUndefined();
    const rt = s.want('a')!;
    expect(await rt.waitForResult(10_000)).toBe(true);
    expect(rt.current!.collection.failureKind).toBe('connection-refused');
    expect(rt.current!.report.status).toBe('unknown');
    expect(s.runtime('b')).toBeUndefined();
    expect(s.want('nosuch')).toBeUndefined();
  });

  it('lets go of a target nobody wanted for the idle timeout', async () => {
    const { s, metrics } = await setup(['a', 'b'], { idleTimeoutMs: 200 });
    await s.want('a')!.waitForResult(10_000);
    s.tick();
    expect(s.runtime('a')).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    s.tick();
    expect(s.runtime('a')).toBeUndefined();
    expect(await gauge(metrics, 'xen_pm_fleet_targets')).toEqual(expect.arrayContaining([expect.objectContaining({ labels: { state: 'idle' }, value: 2 })]));
  });

  it('--fleet.keep-active collects every target and never lets one go', async () => {
    const { s } = await setup(['a', 'b', 'c'], { keepActive: true, idleTimeoutMs: 1 });
    for (const n of ['a', 'b', 'c']) expect(await s.runtime(n)!.waitForResult(10_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    s.tick();
    expect(['a', 'b', 'c'].every((n) => s.runtime(n))).toBe(true);
  });

  it('runs at most --fleet.concurrency collections at once; the rest queue in order', async () => {
    const { s, metrics } = await setup(['a', 'b', 'c', 'd'], { concurrency: 1 });
    const rts = ['a', 'b', 'c', 'd'].map((n) => s.want(n)!);
    expect((await gauge(metrics, 'xen_pm_fleet_collections_in_flight'))[0]!.value).toBe(1);
    expect((await gauge(metrics, 'xen_pm_fleet_queue_length'))[0]!.value).toBe(3);
    for (const rt of rts) await rt.waitForResult(10_000);
    const finished = rts.map((rt) => rt.current!.finishedAt.getTime());
    expect([...finished].sort((x, y) => x - y)).toEqual(finished);
  });

  it('a reload keeps unchanged targets (and their history), replaces changed ones, drops removed ones', async () => {
    const { s, cfg, port } = await setup(['a', 'b', 'c']);
    const a = s.want('a')!;
    const b = s.want('b')!;
    await Promise.all([a.waitForResult(10_000), b.waitForResult(10_000)]);
    const next = parseTargets(`defaults: { transport: openssh, known_hosts: /dev/null, timeout: 5s, interval: 5s }\ntargets:\n  - { name: a, destination: "127.0.0.1:${port}" }\n  - { name: b, destination: "127.0.0.1:${port}", labels: { x: y } }\n  - { name: d, destination: "127.0.0.1:${port}" }\n`);
    expect(cfg.targets).toHaveLength(3);
    expect(s.setTargets(next)).toEqual({ added: 1, removed: 0, changed: 1 });
    expect(s.runtime('a')).toBe(a);
    expect(s.runtime('b')).toBeUndefined();
    expect(s.spec('c')).toBeUndefined();
    expect(s.names()).toEqual(['a', 'b', 'd']);
  });
});
