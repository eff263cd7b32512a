import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';
import { fingerprint, knownKeyTypes, lineMatches, lookupName, parseKnownHosts, verifyHostKey } from '../../src/remote/known-hosts.js';
import { keyPair } from './sshd.js';

/** known_hosts read as OpenSSH reads it; keys and hashed names made by the real ssh-keygen. */
const dir = tmpDir('knownhosts-');
const a = keyPair(dir, 'a');
const b = keyPair(dir, 'b');
const blob = (pub: string) => Buffer.from(pub.split(' ')[1]!, 'base64');
const typeAndKey = (pub: string) => pub.split(' ').slice(0, 2).join(' ');

describe('known_hosts', () => {
  it('names a host as ssh looks it up: bare on port 22, [host]:port elsewhere', () => {
    expect(lookupName('dom0.example', 22)).toBe('dom0.example');
    expect(lookupName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches patterns with * and ?, and a negated pattern wins', () => {
    expect(lineMatches(['*.example.net'], 'xcp-01.example.net')).toBe(true);
    expect(lineMatches(['xcp-0?.example.net'], 'xcp-01.example.net')).toBe(true);
    expect(lineMatches(['*.example.net', '!xcp-01.example.net'], 'xcp-01.example.net')).toBe(false);
    expect(lineMatches(['[10.0.0.1]:2222'], '[10.0.0.1]:2222')).toBe(true);
    expect(lineMatches(['10.0.0.1'], '[10.0.0.1]:2222')).toBe(false);
  });

  it('reads the hashed names ssh-keygen -H writes', () => {
    const f = path.join(dir, 'hashed');
    fs.writeFileSync(f, `xcp-01.example.net ${typeAndKey(a.public)}\n[10.0.0.1]:2222 ${typeAndKey(b.public)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'pipe' });
    const kh = parseKnownHosts(fs.readFileSync(f, 'utf8'));
    expect(kh.lines.every((l) => l.patterns[0]!.startsWith('|1|'))).toBe(true);
    expect(verifyHostKey(kh, 'xcp-01.example.net', blob(a.public))).toEqual({ ok: true });
    expect(verifyHostKey(kh, '[10.0.0.1]:2222', blob(b.public))).toEqual({ ok: true });
    expect(verifyHostKey(kh, 'xcp-02.example.net', blob(a.public))).toMatchObject({ ok: false, why: 'unknown' });
  });

  it('a different key for a known host is "changed", with both fingerprints', () => {
    const kh = parseKnownHosts(`dom0 ${typeAndKey(a.public)}\n`);
    const v = verifyHostKey(kh, 'dom0', blob(b.public));
    expect(v).toMatchObject({ ok: false, why: 'changed' });
    if (!v.ok) expect(v.message).toContain(fingerprint(blob(b.public)));
    if (!v.ok) expect(v.message).toContain(fingerprint(blob(a.public)));
  });

  it('@revoked beats a matching plain line; @cert-authority alone is never accepted', () => {
    const kh = parseKnownHosts(`dom0 ${typeAndKey(a.public)}\n@revoked * ${typeAndKey(a.public)}\n@cert-authority *.ca.example ${typeAndKey(b.public)}\n`);
    expect(verifyHostKey(kh, 'dom0', blob(a.public))).toMatchObject({ ok: false, why: 'revoked' });
    expect(verifyHostKey(kh, 'x.ca.example', blob(b.public))).toMatchObject({ ok: false, why: 'ca-only' });
    expect(knownKeyTypes(kh, 'dom0')).toEqual(['ssh-ed25519']);
  });

  it('skips lines that are not keys (bad base64, a blob of another type, unknown markers), as ssh does', () => {
    const kh = parseKnownHosts([
      '# comment', '', 'dom0 ssh-ed25519 !!!notbase64', `dom0 ssh-rsa ${a.public.split(' ')[1]}`, `@weird dom0 ${typeAndKey(a.public)}`, 'justonefield',
      `dom0 ${typeAndKey(a.public)}`,
    ].join('\n'));
    expect(kh.skipped).toBe(4);
    expect(kh.lines).toHaveLength(1);
  });

  it('fingerprints as ssh-keygen -l does', () => {
    const out = execFileSync('ssh-keygen', ['-l', '-f', `${a.private}.pub`], { encoding: 'utf8' });
    expect(out).toContain(fingerprint(blob(a.public)));
  });
});
