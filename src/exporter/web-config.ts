import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import bcrypt from 'bcryptjs';

/**
 * The exporter-toolkit `web-config.yml` format that every official Prometheus exporter accepts:
 * tls_server_config, http_server_config.headers, basic_auth_users (bcrypt hashes).
 */
export type ClientAuthType = (typeof CLIENT_AUTH)[number];

export interface WebConfig {
  tls: null | {
    certFile: string;
    keyFile: string;
    clientCaFile: string | null;
    clientAuthType: ClientAuthType;
    minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  };
  headers: Record<string, string>;
  users: Record<string, string>;
}

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
const CLIENT_AUTH = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;
/** The only headers exporter-toolkit lets a config set. */
const ALLOWED_HEADERS = ['Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options', 'X-XSS-Protection', 'Strict-Transport-Security'];

export function parseWebConfig(text: string, baseDir: string): WebConfig {
  const doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('web config: top level must be a mapping');
  for (const k of Object.keys(doc)) {
    if (!['tls_server_config', 'http_server_config', 'basic_auth_users'].includes(k)) throw new Error(`web config: unknown key ${k}`);
  }
  const rel = (p: unknown, what: string) => {
    if (typeof p !== 'string' || !p) throw new Error(`web config: ${what} must be a path`);
    return path.resolve(baseDir, p);
  };
  const cfg: WebConfig = { tls: null, headers: {}, users: {} };
  const t = doc['tls_server_config'] as Record<string, unknown> | undefined;
  if (t && (t['cert_file'] || t['key_file'])) {
    const minName = (t['min_version'] as string | undefined) ?? 'TLS12';
    const maxName = (t['max_version'] as string | undefined) ?? 'TLS13';
    if (!(minName in TLS_VERSIONS) || !(maxName in TLS_VERSIONS)) throw new Error(`web config: unknown TLS version ${minName}/${maxName}`);
    const auth = (t['client_auth_type'] as string | undefined) ?? 'NoClientCert';
    if (!CLIENT_AUTH.includes(auth as (typeof CLIENT_AUTH)[number])) throw new Error(`web config: unknown client_auth_type ${auth}`);
    cfg.tls = {
      certFile: rel(t['cert_file'], 'cert_file'),
      keyFile: rel(t['key_file'], 'key_file'),
      clientCaFile: t['client_ca_file'] ? rel(t['client_ca_file'], 'client_ca_file') : null,
      clientAuthType: auth as ClientAuthType,
      minVersion: TLS_VERSIONS[minName as keyof typeof TLS_VERSIONS],
      maxVersion: TLS_VERSIONS[maxName as keyof typeof TLS_VERSIONS],
    };
    if (cfg.tls.clientAuthType.includes('Verify') && !cfg.tls.clientCaFile) throw new Error('web config: client_auth_type needs client_ca_file');
  }
  const h = (doc['http_server_config'] as Record<string, unknown> | undefined)?.['headers'] as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(h ?? {})) {
    const name = ALLOWED_HEADERS.find((a) => a.toLowerCase() === k.toLowerCase());
    if (!name) throw new Error(`web config: header ${k} is not allowed (allowed: ${ALLOWED_HEADERS.join(', ')})`);
    cfg.headers[name] = String(v);
  }
  const users = doc['basic_auth_users'] as Record<string, unknown> | undefined;
  for (const [u, hash] of Object.entries(users ?? {})) {
    if (typeof hash !== 'string' || !/^\$2[abxy]\$\d\d\$/.test(hash)) throw new Error(`web config: password of ${u} must be a bcrypt hash`);
    cfg.users[u] = hash;
  }
  return cfg;
}

/** Compared against when the user is unknown, so a wrong name costs as much as a wrong password. */
const DUMMY_HASH = bcrypt.hashSync('xen-pm-exporter-dummy-password', 10);

/**
 * Holds the web config and re-reads it when the file changes (checked at most once a second),
 * so certificates and users rotate without a restart. A file that no longer parses makes every
 * request fail with 500, as exporter-toolkit does, until it is fixed.
 */
export class WebConfigSource {
  private cached: { key: string; cfg: WebConfig } | { key: string; error: string } | null = null;
  private checkedAt = 0;
  private readonly authCache = new Map<string, number>();

  constructor(readonly file: string | null) {}

  private fingerprint(files: string[]): string {
    return files.map((f) => { try { const s = fs.statSync(f); return `${f}:${s.mtimeMs}:${s.size}`; } catch { return `${f}:missing`; } }).join('|');
  }

  /** Forget the cached file (SIGHUP). */
  invalidate(): void {
    this.cached = null;
    this.checkedAt = 0;
  }

  current(): { cfg: WebConfig } | { error: string } {
    if (!this.file) return { cfg: { tls: null, headers: {}, users: {} } };
    const now = Date.now();
    if (this.cached && now - this.checkedAt < 1000) return 'cfg' in this.cached ? { cfg: this.cached.cfg } : { error: this.cached.error };
    this.checkedAt = now;
    const tlsFiles = this.cached && 'cfg' in this.cached && this.cached.cfg.tls ? [this.cached.cfg.tls.certFile, this.cached.cfg.tls.keyFile, this.cached.cfg.tls.clientCaFile ?? ''] : [];
    const key = this.fingerprint([this.file, ...tlsFiles]);
    if (this.cached?.key === key) return 'cfg' in this.cached ? { cfg: this.cached.cfg } : { error: this.cached.error };
    try {
      const cfg = parseWebConfig(fs.readFileSync(this.file, 'utf8'), path.dirname(this.file));
      const fullKey = this.fingerprint([this.file, ...(cfg.tls ? [cfg.tls.certFile, cfg.tls.keyFile, cfg.tls.clientCaFile ?? ''] : [])]);
      this.cached = { key: fullKey, cfg };
      this.authCache.clear();
      return { cfg };
    } catch (err) {
      this.cached = { key, error: (err as Error).message };
      return { error: (err as Error).message };
    }
  }

  /** Checks a Basic authorization header. Successful checks are cached so scrapes do not pay bcrypt each time. */
  async authorize(cfg: WebConfig, header: string | undefined): Promise<boolean> {
    if (!Object.keys(cfg.users).length) return true;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const pass = colon < 0 ? '' : decoded.slice(colon + 1);
    const hash = Object.prototype.hasOwnProperty.call(cfg.users, user) ? cfg.users[user]! : null;
    const cacheKey = crypto.createHash('sha256').update(`${user}\0${pass}\0${hash ?? ''}`).digest('hex');
    const until = this.authCache.get(cacheKey);
    if (hash && until && until > Date.now()) return true;
    const ok = await bcrypt.compare(pass, hash ?? DUMMY_HASH);
    if (ok && hash) {
      if (this.authCache.size > 1000) this.authCache.clear();
      this.authCache.set(cacheKey, Date.now() + 60_000);
    }
    return ok && hash !== null;
  }

  /** TLS options for the https server (files read now; serve.ts swaps contexts when they change). */
  static tlsOptions(tls: NonNullable<WebConfig['tls']>) {
    return {
      cert: fs.readFileSync(tls.certFile),
      key: fs.readFileSync(tls.keyFile),
      ...(tls.clientCaFile ? { ca: fs.readFileSync(tls.clientCaFile) } : {}),
      requestCert: tls.clientAuthType !== 'NoClientCert',
      // Only this mode maps onto Node directly; the others are enforced per request (clientCertProblem).
      rejectUnauthorized: tls.clientAuthType === 'RequireAndVerifyClientCert',
      minVersion: tls.minVersion,
      maxVersion: tls.maxVersion,
    };
  }
}

/** Go's tls.ClientAuthType semantics for the modes Node cannot enforce in the handshake. */
export function clientCertProblem(type: ClientAuthType, socket: { authorized?: boolean; getPeerCertificate?: () => object | null }): string | null {
  const cert = socket.getPeerCertificate?.();
  const given = !!cert && Object.keys(cert).length > 0;
  if (type === 'RequireAnyClientCert' && !given) return 'a client certificate is required';
  if (type === 'VerifyClientCertIfGiven' && given && !socket.authorized) return 'the client certificate is not trusted';
  return null;
}
