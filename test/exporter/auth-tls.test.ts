import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, tmpDir } from '../helpers.js';
import { startDaemon, type Daemon } from '../daemon.js';

/** Real HTTPS requests against the real daemon configured with an exporter-toolkit web config. */
let dir: string;
let daemon: Daemon;
let ca: Buffer;

function makeCert(name: string, cn: string) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.crt`)], { stdio: 'ignore' });
}

function get(pathname: string, auth?: string, caCert: Buffer = ca): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: string; cert: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port: daemon.port, path: pathname, ca: caCert, headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, cert: (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN?.toString() ?? '' }));
    });
    req.on('error', reject);
  });
}

beforeAll(async () => {
  dir = tmpDir('tls-');
  makeCert('server', 'first');
  ca = fs.readFileSync(path.join(dir, 'server.crt'));
  const hash = bcrypt.hashSync('s3cret', 10);
  fs.writeFileSync(path.join(dir, 'web.yml'), `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS12\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n  prometheus: ${hash}\n`);
  daemon = await startDaemon(['--root', path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'), '--web.config.file', path.join(dir, 'web.yml')], 'https');
  // Listening is not probed: on a busy machine the first probe can finish after the first request.
  for (let i = 0; i < 300 && (await get('/healthz', 'prometheus:s3cret').catch(() => ({ status: 0 }))).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
}, 60_000);

afterAll(async () => { await daemon?.stop(); });

describe('TLS and basic auth (exporter-toolkit web config)', () => {
  it('right user 200, wrong password 401, unknown user 401, no credentials 401 — on every path', async () => {
    const ok = await get('/metrics', 'prometheus:s3cret');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('xen_pm_pstate_handoff{state="yes"} 1');
    expect(ok.headers['x-frame-options']).toBe('deny');
    const wrong = await get('/metrics', 'prometheus:nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    expect((await get('/metrics', 'mallory:s3cret')).status).toBe(401);
    for (const p of ['/', '/health', '/healthz', '/metrics']) expect((await get(p)).status).toBe(401);
  });

  it('plain HTTP is not served on the TLS port', async () => {
    await expect(fetch(`http://127.0.0.1:${daemon.port}/metrics`)).rejects.toThrow();
  });

  it('rotated certificates are picked up without a restart', async () => {
    const oldCa = ca;
    makeCert('server', 'second');
    ca = fs.readFileSync(path.join(dir, 'server.crt'));
    // The first request after the change triggers the reload (its own handshake used the old certificate).
    await new Promise((r) => setTimeout(r, 1100));
    const trigger = await get('/healthz', 'prometheus:s3cret', Buffer.concat([oldCa, ca]));
    expect(trigger.cert).toBe('first');
    const after = await get('/healthz', 'prometheus:s3cret');
    expect(after.cert).toBe('second');
  });

  it('wrong credentials from many clients at once: hashing is queued and bounded (429 past it), the authorised scrape still answers', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => get('/metrics', `mallory${i}:guess`)));
    const codes = answers.map((a) => a.status);
    expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
    expect(codes.filter((c) => c === 429).length, 'the queue is bounded').toBeGreaterThan(0);
    expect(answers.find((a) => a.status === 429)!.headers['retry-after']).toBe('1');
    // Remembered credentials need no hashing: the authorised scrape is not stuck behind the attackers.
    expect((await get('/metrics', 'prometheus:s3cret')).status).toBe(200);
  });

  it('a broken web config answers a generic 500 (no user names or hashes), logged once, until it is fixed', async () => {
    const good = fs.readFileSync(path.join(dir, 'web.yml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'web.yml'), `${good}\nbogus: [not, a, mapping\n`);
    await new Promise((r) => setTimeout(r, 1100));
    const logsBefore = daemon.logs.length;
    for (let i = 0; i < 50; i++) {
      const r = await get('/metrics', 'prometheus:s3cret');
      expect(r.status).toBe(500);
      expect(r.body).toBe('Internal Server Error\n');
    }
    expect(daemon.logs.slice(logsBefore).filter((l) => /web config unusable/.test(l))).toHaveLength(1);
    fs.writeFileSync(path.join(dir, 'web.yml'), good);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get('/metrics', 'prometheus:s3cret')).status).toBe(200);
  });
});
