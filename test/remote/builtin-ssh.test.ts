import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers.js';
import { BuiltinSshTransport } from '../../src/remote/builtin-ssh.js';
import { RemoteHost } from '../../src/remote/remote-host.js';
import type { SshTarget } from '../../src/remote/ssh.js';
import { ProbeCycle } from '../../src/cycle/probe-cycle.js';
import { openHost } from '../../src/probe/open-host.js';
import type { HostRoot } from '../../src/probe/host-root.js';
import { keyPair } from './sshd.js';
import { killHang, SAME_REPORT, startSshWorld, type SshWorld } from './ssh-world.js';
import { execFileSync } from 'node:child_process';

/**
 * The built-in transport (ssh2, kept connections: fleet mode's default) against the same real sshd and
 * the same hostile remotes as OpenSSH: the same reports, the same failure kinds, and host keys checked
 * exactly as StrictHostKeyChecking=yes would (never trusted on first use).
 */
let w: SshWorld;
const open: BuiltinSshTransport[] = [];

beforeAll(async () => {
  w = await startSshWorld();
}, 180_000);

afterAll(async () => {
  for (const t of open) t.close();
  await w?.sshd.stop();
});

const builtin = (key: string, extra: Partial<SshTarget> = {}): SshTarget => ({ ...w.target(key, extra), transport: 'builtin', configFile: null });
const transport = (t: SshTarget) => {
  const x = new BuiltinSshTransport(t);
  open.push(x);
  return x;
};
const reportOf = async (host: HostRoot) => {
  const { report } = await new ProbeCycle(host).run();
  return { status: report.status, verdict: report.verdict, findings: report.findings, cpus: report.cpus, pstates: report.pstates, platform: report.platform };
};

describe('built-in SSH transport', () => {
  it.each(SAME_REPORT)('%s: the same report as check --root on the fixture', async (f) => {
    const remote = new RemoteHost(builtin(f), {});
    const c = await remote.refresh();
    expect(c.ok, c.ok ? '' : c.failure.message).toBe(true);
    expect(remote.collectorCurrent).toBe(true);
    expect(await reportOf(remote)).toEqual(await reportOf(openHost(path.join(FIXTURES, f), {}, 'capture')));
    remote.close();
  });

  it('stdin mode: the collector sent to sh -s, same report', async () => {
    const f = 'qemu-xen-4.17-pstates-uploaded';
    const remote = new RemoteHost(builtin('stdin', { mode: 'stdin' }), {});
    const c = await remote.refresh();
    expect(c.ok, c.ok ? '' : c.failure.message).toBe(true);
    expect(await reportOf(remote)).toEqual(await reportOf(openHost(path.join(FIXTURES, f), {}, 'capture')));
    remote.close();
  });

  it('keeps one connection for many collections; persist: false opens one per collection', async () => {
    const kept = transport(builtin(SAME_REPORT[0]!));
    const first = await kept.collect();
    const conn = (kept as unknown as { client: unknown }).client;
    expect(first.ok).toBe(true);
    expect(conn).not.toBeNull();
    for (let i = 0; i < 3; i++) expect((await kept.collect()).ok).toBe(true);
    expect((kept as unknown as { client: unknown }).client).toBe(conn);
    const once = transport(builtin(SAME_REPORT[0]!, { persist: false }));
    expect((await once.collect()).ok).toBe(true);
    expect((once as unknown as { client: unknown }).client).toBeNull();
  });

  it('a kept connection the server dropped is replaced once, within the same collection', async () => {
    const t = transport(builtin(SAME_REPORT[0]!));
    expect((await t.collect()).ok).toBe(true);
    // Cut the TCP connection under the client, as a restarted sshd or a NAT timeout would.
    const client = (t as unknown as { client: { _sock: { destroy(): void } } }).client;
    client._sock.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const again = await t.collect();
    expect(again.ok, again.ok ? '' : again.failure.message).toBe(true);
  });
});

describe('built-in transport: every failure typed, quoted, never an OK', () => {
  const failsWith = async (t: SshTarget, kind: string, message: RegExp) => {
    const r = await transport(t).collect();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe(kind);
    expect(r.failure.message).toMatch(message);
  };

  it('no known host key: refused, naming the fingerprint it presented', async () => {
    const empty = path.join(w.keysDir, 'known_hosts.builtin-empty');
    fs.writeFileSync(empty, '');
    await failsWith(builtin(SAME_REPORT[0]!, { knownHostsFile: empty }), 'host-key', /no host key is known for \[127\.0\.0\.1\]:\d+ \(it presented ssh-ed25519 SHA256:\S+\) in .*known_hosts\.builtin-empty: add it with ssh-keyscan/);
  });

  it('a changed host key names both fingerprints', async () => {
    const other = keyPair(w.keysDir, 'impostor-builtin');
    const changed = path.join(w.keysDir, 'known_hosts.builtin-changed');
    fs.writeFileSync(changed, `[127.0.0.1]:${w.sshd.port} ${other.public.split(' ').slice(0, 2).join(' ')}\n`);
    await failsWith(builtin(SAME_REPORT[0]!, { knownHostsFile: changed }), 'host-key', /host key for \[127\.0\.0\.1\]:\d+ has changed: it presented ssh-ed25519 SHA256:\S+, known_hosts has ssh-ed25519 SHA256:/);
  });

  it('a revoked host key is refused even when also listed as known', async () => {
    const revoked = path.join(w.keysDir, 'known_hosts.builtin-revoked');
    const key = w.sshd.hostKey.public.split(' ').slice(0, 2).join(' ');
    fs.writeFileSync(revoked, `${w.sshd.knownHostsLine}\n@revoked [127.0.0.1]:${w.sshd.port} ${key}\n`);
    await failsWith(builtin(SAME_REPORT[0]!, { knownHostsFile: revoked }), 'host-key', /is marked @revoked/);
  });

  it('a hashed known_hosts (ssh-keygen -H) is read', async () => {
    const hashed = path.join(w.keysDir, 'known_hosts.builtin-hashed');
    fs.writeFileSync(hashed, `${w.sshd.knownHostsLine}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'pipe' });
    expect(fs.readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const r = await transport(builtin(SAME_REPORT[0]!, { knownHostsFile: hashed })).collect();
    expect(r.ok, r.ok ? '' : r.failure.message).toBe(true);
  });

  it('a key the server refuses', async () => {
    await failsWith(builtin('refused'), 'auth-refused', /refused the key/);
  });

  it('an encrypted identity is a local mistake, said before connecting', async () => {
    const enc = path.join(w.keysDir, 'encrypted');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', enc]);
    await failsWith(builtin(SAME_REPORT[0]!, { identityFile: enc }), 'local-config', /is encrypted/);
  });

  it('a port nobody listens on', async () => {
    const { freePort } = await import('./sshd.js');
    await failsWith(builtin('refused', { destination: `127.0.0.1:${await freePort()}` }), 'connection-refused', /connection refused by 127\.0\.0\.1/);
  });

  it('a collector that hangs: cut at the deadline and the connection dropped', async () => {
    const t = transport(builtin('hang', { timeoutMs: 3000 }));
    const r = await t.collect();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/within 3 s/) });
    expect((t as unknown as { client: unknown }).client).toBeNull();
    await killHang(w);
  });

  it('a collector that is not installed', async () => {
    await failsWith(builtin('missing'), 'collector-missing', /collector is not installed/);
  });

  it.each([
    ['garbage', /line 1: not a capture stream/],
    ['escape', /escapes the root/],
    ['huge', /over its bounds|larger than 67108864 bytes/],
    ['truncated', /truncated: no END line/],
  ])('a hostile or broken stream (%s) is refused and the connection dropped', async (key, message) => {
    const t = transport(builtin(key));
    const r = await t.collect();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.kind).toBe('bad-stream');
      expect(r.failure.message).toMatch(message);
    }
    if (key !== 'truncated') expect((t as unknown as { client: unknown }).client).toBeNull();
  });
});
