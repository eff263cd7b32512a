import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), for the built-in transport:
 * plain and hashed (`|1|salt|hash`) host names, `[host]:port` for other ports, `*`/`?` patterns and `!`
 * negation, and the `@revoked` marker. `@cert-authority` lines are recognised but host certificates are
 * not checked by this transport: a host known only through a CA is reported as such, never accepted.
 */

export interface KnownHostLine {
  marker: 'revoked' | 'cert-authority' | null;
  /** The comma-separated host patterns, or one hashed name. */
  patterns: string[];
  keyType: string;
  /** The key blob (SSH wire format), as the server presents it. */
  key: Buffer;
}

/** A key line that could not be read is skipped, as ssh does; their count is reported. */
export interface KnownHosts {
  lines: KnownHostLine[];
  skipped: number;
}

/** known_hosts files are small; a bigger one is refused rather than read. */
export const MAX_KNOWN_HOSTS_BYTES = 16 * 1024 * 1024;

export function parseKnownHosts(text: string): KnownHosts {
  const lines: KnownHostLine[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostLine['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else {
        skipped++;
        continue;
      }
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
      skipped++;
      continue;
    }
    const key = Buffer.from(b64, 'base64');
    // The blob starts with its own type name: a line whose two disagree is corrupt.
    if (key.length < 4 || key.readUInt32BE(0) + 4 > key.length || key.subarray(4, 4 + key.readUInt32BE(0)).toString('latin1') !== keyType) {
      skipped++;
      continue;
    }
    lines.push({ marker, patterns: hosts.split(','), keyType, key });
  }
  return { lines, skipped };
}

/** The name ssh looks a host up by: `host` on port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(pattern: string, name: string): boolean {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(pattern);
  if (!m) return false;
  const want = Buffer.from(m[2]!, 'base64');
  const got = createHmac('sha1', Buffer.from(m[1]!, 'base64')).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Whether a line's patterns name the host: one positive match and no negated one (ssh's rule). */
export function lineMatches(patterns: string[], name: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('|1|')) {
      if (hashedMatches(p, name)) positive = true;
      continue;
    }
    const negated = p.startsWith('!');
    const glob = negated ? p.slice(1) : p;
    if (globToRegExp(glob).test(name)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/** OpenSSH's fingerprint of a key blob: `SHA256:` + unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key types known for a host (so only those are offered), in file order, without revoked keys. */
export function knownKeyTypes(kh: KnownHosts, name: string): string[] {
  const types: string[] = [];
  for (const l of kh.lines) if (l.marker === null && lineMatches(l.patterns, name) && !types.includes(l.keyType)) types.push(l.keyType);
  return types;
}

/** Whether the only lines naming the host are @cert-authority ones. */
export function knownOnlyByCa(kh: KnownHosts, name: string): boolean {
  const matching = kh.lines.filter((l) => lineMatches(l.patterns, name));
  return matching.length > 0 && matching.every((l) => l.marker !== null) && matching.some((l) => l.marker === 'cert-authority');
}

export type HostKeyVerdict =
  | { ok: true }
  | { ok: false; why: 'revoked' | 'changed' | 'unknown' | 'ca-only'; message: string };

/** Judges the key a server presented for `name` against the known hosts, as StrictHostKeyChecking=yes does. */
export function verifyHostKey(kh: KnownHosts, name: string, presented: Buffer): HostKeyVerdict {
  const fp = fingerprint(presented);
  const type = presented.length >= 4 ? presented.subarray(4, 4 + presented.readUInt32BE(0)).toString('latin1') : '?';
  const matching = kh.lines.filter((l) => lineMatches(l.patterns, name));
  if (matching.some((l) => l.marker === 'revoked' && l.key.equals(presented))) {
    return { ok: false, why: 'revoked', message: `the ${type} host key of ${name} (${fp}) is marked @revoked in known_hosts` };
  }
  const plain = matching.filter((l) => l.marker === null);
  if (plain.some((l) => l.key.equals(presented))) return { ok: true };
  if (plain.length) {
    return { ok: false, why: 'changed', message: `host key for ${name} has changed: it presented ${type} ${fp}, known_hosts has ${plain.map((l) => `${l.keyType} ${fingerprint(l.key)}`).join(', ')}` };
  }
  if (knownOnlyByCa(kh, name)) {
    return { ok: false, why: 'ca-only', message: `${name} is known only through @cert-authority, which the built-in transport does not check: use transport: openssh for it` };
  }
  return { ok: false, why: 'unknown', message: `no host key is known for ${name} (it presented ${type} ${fp})` };
}
