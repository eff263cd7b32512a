import { describe, expect, it } from 'vitest';
import { parseInvocation, UsageError } from '../../src/options.js';

describe('serve --targets on the command line', () => {
  it('builds the fleet options with their defaults, and takes the listen and log flags', () => {
    expect(parseInvocation(['serve', '--targets', '/etc/t.yml', '--web.listen-address', ':9999', '--log.format', 'json'])).toMatchObject({
      command: 'fleet',
      fleet: { targetsFile: '/etc/t.yml', concurrency: 64, idleTimeoutMs: 600_000, keepActive: false, listenAddresses: [':9999'], logFormat: 'json', stuckWindowMs: 300_000 },
    });
    expect(parseInvocation(['--targets', 't.yml', '--fleet.concurrency', '8', '--fleet.idle-timeout', '30m', '--fleet.keep-active'])).toMatchObject({
      command: 'fleet', fleet: { concurrency: 8, idleTimeoutMs: 1_800_000, keepActive: true },
    });
  });

  it.each([
    [['serve', '--targets', 't', '--root', '/tmp'], /exclude each other/],
    [['serve', '--targets', 't', '--probe.interval', '5s'], /--probe.interval is for one host/],
    [['serve', '--targets', 't', '--web.telemetry-path=/m'], /--web.telemetry-path is for one host/],
    [['serve', '--targets', 't', '--xenpm.timeout', '1s'], /--xenpm.timeout is for one host/],
    [['serve', '--targets', 't', '--fleet.concurrency', '0'], /from 1 to 4096/],
    [['serve', '--targets', 't', '--fleet.idle-timeout', '10s'], /--fleet.idle-timeout/],
    [['serve', '--fleet.keep-active'], /--fleet.keep-active needs --targets/],
    [['serve', '--fleet.concurrency', '4'], /--fleet.concurrency needs --targets/],
    [['check', '--targets', 't'], /--targets is for serve/],
  ])('refuses %j', (argv, why) => {
    expect(() => parseInvocation(argv)).toThrow(UsageError);
    expect(() => parseInvocation(argv)).toThrow(why);
  });
});
