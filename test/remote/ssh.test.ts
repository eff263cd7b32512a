import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO, tmpDir } from '../helpers.js';
import { collectOverSsh, type SshTarget } from '../../src/remote/ssh.js';
import { keyPair, type KeyPair, type Sshd } from './sshd.js';
import { killHang, SAME_REPORT, startSshWorld, type SshWorld } from './ssh-world.js';

/**
 * The remote path with real parts: OpenSSH's sshd on 127.0.0.1, forced-command keys that run the
 * checked-in collector over a fixture (fake xenpm/xl/dmesg replay its recordings), and the CLI's
 * `check --ssh` / `capture --ssh` through the operator's ssh client.
 */
const BIN = path.join(REPO, 'dist/src/main.js');
/** The CLI, asynchronously: a blocking spawnSync would starve the test worker for as long as ssh takes. */
const cli = (...args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.on('close', (status) => resolve({ status, stdout, stderr }));
});

let w: SshWorld;
let sshd: Sshd;
let keysDir: string;
let knownHosts: string;
let keys: Record<string, KeyPair>;

beforeAll(async () => {
  w = await startSshWorld();
  ({ sshd, keysDir, knownHosts, keys } = w);
}, 180_000);

afterAll(async () => {
  await sshd?.stop();
});

const dest = () => w.dest();
const target = (key: string, extra: Partial<SshTarget> = {}): SshTarget => w.target(key, extra);
const strip = (json: string) => {
  const r = JSON.parse(json);
  delete r.generatedAt;
  delete r.sources;
  // Named by capture.json: the machine the collector ran on, not the fixture it read.
  delete r.host;
  return r;
};

describe('check --ssh over a forced-command key', () => {
  it.each(SAME_REPORT)('%s: the same report as check --root on the fixture', async (f) => {
    const remote = await cli('check', '--ssh', dest(), '--ssh.identity-file', keys[f]!.private, '--ssh.known-hosts', knownHosts, '--format', 'json');
    const local = await cli('check', '--root', path.join(FIXTURES, f), '--format', 'json');
    expect(remote.stderr).toBe('');
    expect(strip(remote.stdout)).toEqual(strip(local.stdout));
    expect(remote.status).toBe(local.status);
  });

  it('stdin mode: the exporter sends the collector to sh -s, same report', async () => {
    const f = 'qemu-xen-4.17-pstates-uploaded';
    const remote = await cli('check', '--ssh', dest(), '--ssh.mode', 'stdin', '--ssh.identity-file', keys.stdin!.private, '--ssh.known-hosts', knownHosts, '--format', 'json');
    const local = await cli('check', '--root', path.join(FIXTURES, f), '--format', 'json');
    expect(strip(remote.stdout)).toEqual(strip(local.stdout));
  });

  it('capture --ssh writes a capture directory that checks like the fixture', async () => {
    const f = 'qemu-xen-4.17-module-blacklisted';
    const out = path.join(tmpDir('sshcap-'), 'cap');
    const cap = await cli('capture', '--ssh', dest(), '--ssh.identity-file', keys[f]!.private, '--ssh.known-hosts', knownHosts, '--out', out);
    expect(cap.status, cap.stderr).toBe(0);
    expect(cap.stdout).toMatch(/^wrote \d+ file\(s\) and 7 command output\(s\) from 127\.0\.0\.1:\d+ to /);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'capture.json'), 'utf8'));
    expect(meta).toMatchObject({ formatVersion: 1, collector: expect.stringMatching(/^xen-pm-collect [0-9a-f]{16}$/) });
    const again = await cli('check', '--root', out, '--format', 'json');
    const local = await cli('check', '--root', path.join(FIXTURES, f), '--format', 'json');
    expect(strip(again.stdout)).toEqual(strip(local.stdout));
  });
});

describe('every failure is typed, quoted, and never an OK', () => {
  const failsWith = async (t: SshTarget, kind: string, message: RegExp) => {
    const r = await collectOverSsh(t);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe(kind);
    expect(r.failure.message).toMatch(message);
  };
  const cliFails = async (args: string[], message: RegExp) => {
    const r = await cli('check', '--ssh', ...args, '--format', 'json');
    expect(r.status).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.status).not.toBe('ok');
    const probeFailed = report.findings.find((x: { id: string }) => x.id === 'PROBE_FAILED');
    expect(probeFailed?.evidence.join('\n')).toMatch(message);
  };

  it('an unknown host key', async () => {
    const empty = path.join(keysDir, 'known_hosts.empty');
    fs.writeFileSync(empty, '');
    await failsWith(target(SAME_REPORT[0]!, { knownHostsFile: empty }), 'host-key',
      /unknown or changed host key for 127\.0\.0\.1:\d+: add it with ssh-keyscan after checking its fingerprint — ssh said: (?:No ED25519 host key is known for \[127\.0\.0\.1\]:\d+|Host key verification failed\.)/);
    await cliFails([dest(), '--ssh.identity-file', keys[SAME_REPORT[0]!]!.private, '--ssh.known-hosts', empty], /unknown or changed host key/);
  });

  it('a changed host key', async () => {
    const other = keyPair(keysDir, 'impostor');
    const changed = path.join(keysDir, 'known_hosts.changed');
    fs.writeFileSync(changed, `[127.0.0.1]:${sshd.port} ${other.public.split(' ').slice(0, 2).join(' ')}\n`);
    await failsWith(target(SAME_REPORT[0]!, { knownHostsFile: changed }), 'host-key', /unknown or changed host key/);
  });

  it('a key the server refuses', async () => {
    await failsWith(target('refused'), 'auth-refused', /refused the key.*ssh said: .*Permission denied \(publickey\)/);
    await cliFails([dest(), '--ssh.identity-file', keys.refused!.private, '--ssh.known-hosts', knownHosts], /Permission denied/);
  });

  it('a port nobody listens on', async () => {
    const { freePort } = await import('./sshd.js');
    const port = await freePort();
    await failsWith(target('refused', { destination: `127.0.0.1:${port}` }), 'connection-refused', /Connection refused/);
  });

  it('a collector that hangs: killed at the deadline, nothing left running here', async () => {
    const started = performance.now();
    await failsWith(target('hang', { timeoutMs: 3000 }), 'timeout', /no complete answer from 127\.0\.0\.1:\d+ within 3 s/);
    expect(performance.now() - started).toBeLessThan(20_000);
    await killHang(w);
  });

  it('a collector that is not installed', async () => {
    await failsWith(target('missing'), 'collector-missing', /collector is not installed on 127\.0\.0\.1/);
    await cliFails([dest(), '--ssh.identity-file', keys.missing!.private, '--ssh.known-hosts', knownHosts], /collector-missing/);
  });

  it('a forced command that prints 100 MB of garbage: refused at its first line', async () => {
    await failsWith(target('garbage'), 'bad-stream', /line 1: not a capture stream/);
  });

  it('a stream that names a path outside the root', async () => {
    await failsWith(target('escape'), 'bad-stream', /escapes the root/);
    await cliFails([dest(), '--ssh.identity-file', keys.escape!.private, '--ssh.known-hosts', knownHosts], /remote-stream|escapes the root/);
  });

  it('100 MB of well-formed stream: stopped at the 64 MiB bound', async () => {
    await failsWith(target('huge'), 'bad-stream', /stream larger than 67108864 bytes/);
  });

  it('a stream cut short', async () => {
    await failsWith(target('truncated'), 'bad-stream', /truncated: no END line/);
  });

  it('capture --ssh of a failed collection writes nothing', async () => {
    const out = path.join(tmpDir('sshcapfail-'), 'cap');
    const r = await cli('capture', '--ssh', dest(), '--ssh.identity-file', keys.garbage!.private, '--ssh.known-hosts', knownHosts, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad-stream: .*not a capture stream/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
