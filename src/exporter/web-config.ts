import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { InlineHasher, type PasswordHasher } from './password-hasher.js';

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

/** The word every dummy hash hashes: never a configured password (compared only when the user is unknown). */
const DUMMY_PASSWORD = 'xen-pm-exporter: no such user';

/** How long a successful credential is remembered (exporter-toolkit caches them too), and how many. */
const AUTH_CACHE_MS = 60_000;
const AUTH_CACHE_SIZE = 1000;

export type AuthResult = 'ok' | 'denied' | 'busy';

/** A logger with the two levels this needs (pino's, or a test's). */
interface Log {
  error(obj: object, msg: string): void;
}

/**
 * Holds the web config and re-reads it when the file changes (checked at most once a second), so
 * certificates and users rotate without a restart. A file that no longer parses makes every request fail
 * with a generic 500, as exporter-toolkit does, until it is fixed; the reason is logged once per change of
 * the file, never sent to the client (it would show user names and hashes to anyone).
 */
export class WebConfigSource {
  private cached: { key: string; cfg: WebConfig } | { key: string; error: string } | null = null;
  private checkedAt = 0;
  private loggedKey: string | null = null;
  private readonly authCache = new Map<string, number>();
  private readonly dummies = new Map<number, Promise<string>>();
  /** Set by the server once it listens: whether it serves TLS (turning TLS on needs a restart). */
  servingTls: boolean | null = null;

  constructor(readonly file: string | null, private readonly log: Log | null = null, private readonly hasher: PasswordHasher = new InlineHasher()) {}

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
    if (!this.cached || now - this.checkedAt >= 1000) {
      this.checkedAt = now;
      const tlsFiles = this.cached && 'cfg' in this.cached && this.cached.cfg.tls ? [this.cached.cfg.tls.certFile, this.cached.cfg.tls.keyFile, this.cached.cfg.tls.clientCaFile ?? ''] : [];
      const key = this.fingerprint([this.file, ...tlsFiles]);
      if (this.cached?.key !== key) this.reload(key);
    }
    const c = this.cached!;
    if ('error' in c) return { error: c.error };
    if (c.cfg.tls && this.servingTls === false) {
      // Serving plain HTTP while the config asks for TLS would be a silent downgrade: refuse until restarted.
      return this.refuse(c.key, 'tls_server_config appeared while the exporter serves plain HTTP: restart it to serve HTTPS');
    }
    return { cfg: c.cfg };
  }

  private reload(key: string): void {
    try {
      const cfg = parseWebConfig(fs.readFileSync(this.file!, 'utf8'), path.dirname(this.file!));
      const fullKey = this.fingerprint([this.file!, ...(cfg.tls ? [cfg.tls.certFile, cfg.tls.keyFile, cfg.tls.clientCaFile ?? ''] : [])]);
      this.cached = { key: fullKey, cfg };
      this.authCache.clear();
    } catch (err) {
      // Keyed on the file alone, as the next check will be while no good config is known.
      const fileKey = this.fingerprint([this.file!]);
      this.cached = { key: fileKey, error: (err as Error).message };
      this.refuse(fileKey, (err as Error).message);
    }
  }

  /** Logs a config problem once per version of the file, not once per request. */
  private refuse(key: string, error: string): { error: string } {
    if (this.loggedKey !== key) {
      this.loggedKey = key;
      this.log?.error({ file: this.file, err: error }, 'web config unusable: every request answers 500 until it is fixed');
    }
    return { error };
  }

  /**
   * Checks a Basic authorization header. No header: refused without hashing. A known user's hash and the
   * dummy hash of an unknown user cost the same (the dummy is made at the configured users' cost), so timing
   * does not tell names apart. Successful credentials are remembered for a minute. 'busy' when the hashing
   * queue is full: the caller answers 429 at once instead of queueing without end.
   */
  async authorize(cfg: WebConfig, header: string | undefined): Promise<AuthResult> {
    const names = Object.keys(cfg.users);
    if (!names.length) return 'ok';
    if (!header) return 'denied';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const pass = colon < 0 ? '' : decoded.slice(colon + 1);
    const hash = Object.prototype.hasOwnProperty.call(cfg.users, user) ? cfg.users[user]! : null;
    const cacheKey = crypto.createHash('sha256').update(`${user}\0${pass}\0${hash ?? ''}`).digest('hex');
    const until = this.authCache.get(cacheKey);
    if (hash && until && until > Date.now()) return 'ok';
    const ok = await this.hasher.compare(pass, hash ?? (await this.dummyFor(costOf(cfg))));
    if (ok === 'busy') return 'busy';
    if (ok && hash) {
      if (this.authCache.size >= AUTH_CACHE_SIZE) this.authCache.clear();
      this.authCache.set(cacheKey, Date.now() + AUTH_CACHE_MS);
      return 'ok';
    }
    return 'denied';
  }

  private dummyFor(cost: number): Promise<string> {
    let d = this.dummies.get(cost);
    if (!d) {
      d = this.hasher.hash(DUMMY_PASSWORD, cost);
      this.dummies.set(cost, d);
    }
    return d;
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

/** The highest bcrypt cost among the configured users (the dummy hash matches it). */
function costOf(cfg: WebConfig): number {
  let cost = 4;
  for (const h of Object.values(cfg.users)) cost = Math.max(cost, Number(/^\$2[abxy]\$(\d\d)\$/.exec(h)?.[1] ?? 10));
  return cost;
}
