import bcrypt from 'bcryptjs';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';
import type { PasswordHasher } from '../../src/exporter/password-hasher.js';
import { parseWebConfig, WebConfigSource, clientCertProblem } from '../../src/exporter/web-config.js';

const HASH = bcrypt.hashSync('s3cret', 4);
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

/** bcrypt in this thread, remembering every comparison it was asked for. */
function countingHasher(): PasswordHasher & { compared: Array<[string, string]> } {
  const compared: Array<[string, string]> = [];
  return {
    compared,
    compare: async (p: string, h: string) => { compared.push([p, h]); return bcrypt.compare(p, h); },
    hash: (p: string, cost: number) => bcrypt.hash(p, cost),
    close: async () => {},
  };
}

describe('web config', () => {
  it('parses the exporter-toolkit format and resolves paths against the file', () => {
    const c = parseWebConfig(`tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  min_version: TLS13\nhttp_server_config:\n  headers:\n    Strict-Transport-Security: max-age=31536000\nbasic_auth_users:\n  prom: ${HASH}\n`, '/etc/xen-pm-exporter');
    expect(c.tls).toMatchObject({ certFile: '/etc/xen-pm-exporter/a.crt', clientCaFile: '/etc/xen-pm-exporter/ca.crt', minVersion: 'TLSv1.3', clientAuthType: 'RequireAndVerifyClientCert' });
    expect(c.headers).toEqual({ 'Strict-Transport-Security': 'max-age=31536000' });
  });
  it('rejects what exporter-toolkit rejects', () => {
    expect(() => parseWebConfig('http_server_config:\n  headers:\n    Set-Cookie: x\n', '/')).toThrow(/not allowed/);
    expect(() => parseWebConfig('basic_auth_users:\n  prom: plaintext\n', '/')).toThrow(/bcrypt/);
    expect(() => parseWebConfig('tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n', '/')).toThrow(/client_ca_file/);
    expect(() => parseWebConfig('bogus: 1\n', '/')).toThrow(/unknown key/);
  });
  it('an unknown user pays a comparison at the configured cost; no header costs nothing', async () => {
    const hasher = countingHasher();
    const src = new WebConfigSource(null, null, hasher);
    const cfg = { tls: null, headers: {}, users: { prom: HASH } };
    expect(await src.authorize(cfg, basic('mallory:s3cret'))).toBe('denied');
    expect(await src.authorize(cfg, basic('prom:wrong'))).toBe('denied');
    expect(await src.authorize(cfg, basic('prom:s3cret'))).toBe('ok');
    expect(await src.authorize(cfg, undefined)).toBe('denied');
    expect(hasher.compared).toHaveLength(3);
    // The dummy hash compared for the unknown user has the users' cost (4 here), so timing tells nothing.
    expect(hasher.compared[0]![1]).toMatch(/^\$2[aby]\$04\$/);
    // Successful credentials are remembered: no more hashing for them.
    expect(await src.authorize(cfg, basic('prom:s3cret'))).toBe('ok');
    expect(hasher.compared).toHaveLength(3);
  });
  it('a full hashing queue answers busy at once instead of queueing without end', async () => {
    const src = new WebConfigSource(null, null, { compare: async () => 'busy', hash: async () => HASH, close: async () => {} });
    expect(await src.authorize({ tls: null, headers: {}, users: { prom: HASH } }, basic('prom:x'))).toBe('busy');
  });
  it('a broken file is logged once per change, never per request, and TLS appearing at runtime is refused', () => {
    const dir = tmpDir('webcfg-');
    const file = path.join(dir, 'web.yml');
    fs.writeFileSync(file, 'basic_auth_users:\n  prom: notahash\n');
    const errors: string[] = [];
    const src = new WebConfigSource(file, { error: (_o: object, msg: string) => errors.push(msg) });
    src.servingTls = false; // as a server started on plain HTTP sets it
    for (let i = 0; i < 1000; i++) expect(src.current()).toHaveProperty('error');
    expect(errors).toHaveLength(1);
    fs.writeFileSync(file, `tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n`);
    src.invalidate();
    const r = src.current();
    expect('error' in r && r.error).toMatch(/appeared while the exporter serves plain HTTP/);
    expect(errors).toHaveLength(2);
  });
  it('client certificate modes Node cannot enforce in the handshake', () => {
    const none = { authorized: false, getPeerCertificate: () => ({}) };
    const bad = { authorized: false, getPeerCertificate: () => ({ subject: { CN: 'x' } }) };
    expect(clientCertProblem('RequireAnyClientCert', none)).toMatch(/required/);
    expect(clientCertProblem('RequireAnyClientCert', bad)).toBeNull();
    expect(clientCertProblem('VerifyClientCertIfGiven', none)).toBeNull();
    expect(clientCertProblem('VerifyClientCertIfGiven', bad)).toMatch(/not trusted/);
  });
});
