import bcrypt from 'bcryptjs';
import { describe, expect, it, vi } from 'vitest';
import { parseWebConfig, WebConfigSource, clientCertProblem } from '../../src/exporter/web-config.js';

const HASH = bcrypt.hashSync('s3cret', 4);
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

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
  it('an unknown user pays the same bcrypt comparison as a known one', async () => {
    const src = new WebConfigSource(null);
    const cfg = { tls: null, headers: {}, users: { prom: HASH } };
    const spy = vi.spyOn(bcrypt, 'compare');
    expect(await src.authorize(cfg, basic('mallory:s3cret'))).toBe(false);
    expect(await src.authorize(cfg, basic('prom:wrong'))).toBe(false);
    expect(await src.authorize(cfg, basic('prom:s3cret'))).toBe(true);
    expect(await src.authorize(cfg, undefined)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(4);
    expect(spy.mock.calls[0]![1]).toMatch(/^\$2[aby]\$10\$/);
    spy.mockRestore();
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
