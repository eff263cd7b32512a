import { describe, expect, it } from 'vitest';
import { parseTargets, TARGET_DEFAULTS } from '../../src/fleet/targets-file.js';

/** The targets file: what it accepts, and that every mistake is refused with where it is. */
describe('targets file', () => {
  it('applies defaults, lets a target override them, and keeps labels', () => {
    const cfg = parseTargets(`
defaults:
  identity_file: /etc/xen-pm-exporter/id_ed25519
  known_hosts: /etc/xen-pm-exporter/known_hosts
  interval: 2m
targets:
  - name: xcp-01
    destination: xen-pm@xcp-01.example.net
    labels: { pool: rack-a, tier: 1 }
  - name: qubes
    destination: root@[2001:db8::1]:2222
    transport: openssh
    mode: stdin
    timeout: 10s
    interval: 30s
`);
    expect(cfg.targets).toHaveLength(2);
    expect(cfg.targets[0]).toEqual({
      name: 'xcp-01', intervalMs: 120_000, labels: { pool: 'rack-a', tier: '1' },
      ssh: { destination: 'xen-pm@xcp-01.example.net', mode: 'forced', transport: 'builtin', persist: true, timeoutMs: TARGET_DEFAULTS.timeoutMs, identityFile: '/etc/xen-pm-exporter/id_ed25519', knownHostsFile: '/etc/xen-pm-exporter/known_hosts' },
    });
    expect(cfg.targets[1]!.ssh).toMatchObject({ transport: 'openssh', mode: 'stdin', timeoutMs: 10_000 });
    expect(cfg.targets[1]!.intervalMs).toBe(30_000);
  });

  it.each([
    ['not YAML', 'targets: [', /not valid YAML/],
    ['not a mapping', '- a', /must be a mapping with `targets:`/],
    ['a misspelt key', 'targets:\n  - name: a\n    destination: h\n    identityfile: /k', /targets\[0\]: unknown key "identityfile"/],
    ['a misspelt default', 'defaults:\n  knownhosts: /k\ntargets: []', /defaults: unknown key "knownhosts"/],
    ['a name twice', 'targets:\n  - {name: a, destination: h}\n  - {name: a, destination: g}', /targets\[1\]\.name: "a" is there twice/],
    ['a name with a space', 'targets:\n  - {name: "a b", destination: h}', /targets\[0\]\.name: "a b" must be/],
    ['an option as destination', 'targets:\n  - {name: a, destination: "-oProxyCommand=x"}', /targets\[0\]\.destination: not an SSH destination/],
    ['a bad port', 'targets:\n  - {name: a, destination: "h:99999"}', /bad port/],
    ['a bad mode', 'targets:\n  - {name: a, destination: h, mode: shell}', /mode: must be forced or stdin/],
    ['a reserved label', 'targets:\n  - {name: a, destination: h, labels: {instance: x}}', /labels\.instance: not a label name/],
    ['a __ label', 'targets:\n  - {name: a, destination: h, labels: {__address__: x}}', /labels\.__address__/],
    ['a timeout past the interval', 'targets:\n  - {name: a, destination: h, timeout: 2m, interval: 1m}', /timeout \(120s\) is longer than the interval \(60s\)/],
    ['an interval under 5 s', 'targets:\n  - {name: a, destination: h, interval: 1s, timeout: 1s}', /interval/],
    ['a control character', 'targets:\n  - {name: a, destination: "h\\x1b[2J"}', /control characters/],
    ['a duplicate key', 'targets: []\ntargets: []', /not valid YAML/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseTargets(text)).toThrow(message);
  });

  it('bounds alias expansion (a billion laughs stays small)', () => {
    const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'targets: []'].join('\n');
    expect(() => parseTargets(laughs)).toThrow(/not valid YAML: .*alias/i);
  });
});
