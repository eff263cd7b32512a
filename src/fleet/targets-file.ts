import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDestination, type SshMode, type SshTarget } from '../remote/ssh.js';
import { parsePositiveDuration } from '../util/duration.js';

/**
 * The fleet's targets file (`serve --targets FILE`): which dom0s, how to reach each, and the labels
 * Prometheus' http_sd gets for them. Everything is checked when the file is read, with the path of the
 * mistake in the message; an unusable file never replaces a usable one (SIGHUP keeps the old set).
 *
 *   defaults:            # every key a target may have, except name, destination and labels
 *     identity_file: /etc/xen-pm-exporter/id_ed25519
 *     known_hosts: /etc/xen-pm-exporter/known_hosts
 *   targets:
 *     - name: xcp-01
 *       destination: xen-pm@xcp-01.example.net
 *       labels: { pool: rack-a }
 */

export type TransportName = 'builtin' | 'openssh';

export interface FleetTarget {
  /** What Prometheus passes as `target=`: unique, safe in a URL, a label value and a log line. */
  name: string;
  ssh: SshTarget;
  intervalMs: number;
  labels: Record<string, string>;
}

export interface TargetsConfig {
  targets: FleetTarget[];
}

export const TARGETS_LIMITS = {
  fileBytes: 4 * 1024 * 1024,
  targets: 10_000,
  labels: 32,
  labelValueBytes: 256,
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
/** Labels the exporter or Prometheus sets itself. */
const RESERVED_LABELS = new Set(['target', 'instance', 'job']);

const TARGET_KEYS = ['name', 'destination', 'labels', 'identity_file', 'known_hosts', 'mode', 'transport', 'persist', 'timeout', 'interval'] as const;
const DEFAULT_KEYS = TARGET_KEYS.filter((k) => !['name', 'destination', 'labels'].includes(k));

export const TARGET_DEFAULTS = { mode: 'forced' as SshMode, transport: 'builtin' as TransportName, persist: true, timeoutMs: 30_000, intervalMs: 60_000 };

class TargetsError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new TargetsError(`${where}: must be a non-empty string`);
  if (/[\0-\x1f\x7f]/.test(v)) throw new TargetsError(`${where}: control characters are not allowed`);
  return v;
}

function oneOf<T extends string>(v: unknown, where: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new TargetsError(`${where}: must be ${allowed.join(' or ')}, not ${JSON.stringify(v)}`);
  return v as T;
}

function duration(v: unknown, where: string, minMs: number): number {
  try {
    return parsePositiveDuration(str(v, where), where, minMs);
  } catch (err) {
    throw err instanceof TargetsError ? err : new TargetsError(`${where}: ${(err as Error).message}`);
  }
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  // A misspelt key would silently fall back to a default (a wrong key file, an unchecked host): refused.
  const unknown = Object.keys(o).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new TargetsError(`${where}: unknown key ${JSON.stringify(unknown[0])} (known: ${allowed.join(', ')})`);
}

function labelsOf(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new TargetsError(`${where}: must be a mapping of label names to strings`);
  const entries = Object.entries(v);
  if (entries.length > TARGETS_LIMITS.labels) throw new TargetsError(`${where}: at most ${TARGETS_LIMITS.labels} labels`);
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (!LABEL.test(k) || k.startsWith('__') || RESERVED_LABELS.has(k)) throw new TargetsError(`${where}.${k}: not a label name this file may set`);
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') throw new TargetsError(`${where}.${k}: must be a string`);
    const s = String(val);
    if (Buffer.byteLength(s) > TARGETS_LIMITS.labelValueBytes || /[\0-\x1f\x7f]/.test(s)) throw new TargetsError(`${where}.${k}: at most ${TARGETS_LIMITS.labelValueBytes} bytes, no control characters`);
    out[k] = s;
  }
  return out;
}

interface Settings {
  identity_file?: string;
  known_hosts?: string;
  mode: SshMode;
  transport: TransportName;
  persist: boolean;
  timeoutMs: number;
  intervalMs: number;
}

function settingsOf(o: Record<string, unknown>, where: string, base: Settings): Settings {
  const s: Settings = { ...base };
  if (o['identity_file'] !== undefined) s.identity_file = str(o['identity_file'], `${where}.identity_file`);
  if (o['known_hosts'] !== undefined) s.known_hosts = str(o['known_hosts'], `${where}.known_hosts`);
  if (o['mode'] !== undefined) s.mode = oneOf(o['mode'], `${where}.mode`, ['forced', 'stdin'] as const);
  if (o['transport'] !== undefined) s.transport = oneOf(o['transport'], `${where}.transport`, ['builtin', 'openssh'] as const);
  if (o['persist'] !== undefined) {
    if (typeof o['persist'] !== 'boolean') throw new TargetsError(`${where}.persist: must be true or false`);
    s.persist = o['persist'];
  }
  if (o['timeout'] !== undefined) s.timeoutMs = duration(o['timeout'], `${where}.timeout`, 1000);
  if (o['interval'] !== undefined) s.intervalMs = duration(o['interval'], `${where}.interval`, 5000);
  return s;
}

/** Parses and checks a targets file's text; throws an Error whose message names the file's mistake. */
export function parseTargets(text: string): TargetsConfig {
  let doc: unknown;
  try {
    // maxAliasCount bounds the "billion laughs" expansion of YAML aliases.
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    throw new TargetsError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new TargetsError('must be a mapping with `targets:` (and optionally `defaults:`)');
  checkKeys(doc, ['defaults', 'targets'], 'the file');
  const defaults = doc['defaults'] ?? {};
  if (!isObject(defaults)) throw new TargetsError('defaults: must be a mapping');
  checkKeys(defaults, DEFAULT_KEYS, 'defaults');
  const base = settingsOf(defaults, 'defaults', { ...TARGET_DEFAULTS });
  const list = doc['targets'];
  if (!Array.isArray(list)) throw new TargetsError('targets: must be a list');
  if (list.length > TARGETS_LIMITS.targets) throw new TargetsError(`targets: at most ${TARGETS_LIMITS.targets} (run more exporters, sharded: see the README)`);
  const seen = new Set<string>();
  const targets = list.map((t: unknown, i): FleetTarget => {
    const where = `targets[${i}]`;
    if (!isObject(t)) throw new TargetsError(`${where}: must be a mapping`);
    checkKeys(t, TARGET_KEYS, where);
    const name = str(t['name'], `${where}.name`);
    if (!NAME.test(name)) throw new TargetsError(`${where}.name: ${JSON.stringify(name)} must be letters, digits and . _ : @ - (at most 128)`);
    if (seen.has(name)) throw new TargetsError(`${where}.name: ${JSON.stringify(name)} is there twice`);
    seen.add(name);
    const destination = str(t['destination'], `${where}.destination`);
    try {
      parseDestination(destination);
    } catch (err) {
      throw new TargetsError(`${where}.destination: ${(err as Error).message}`);
    }
    const s = settingsOf(t, where, base);
    if (s.timeoutMs > s.intervalMs) throw new TargetsError(`${where}: timeout (${s.timeoutMs / 1000}s) is longer than the interval (${s.intervalMs / 1000}s)`);
    return {
      name,
      intervalMs: s.intervalMs,
      labels: labelsOf(t['labels'], `${where}.labels`),
      ssh: {
        destination,
        mode: s.mode,
        transport: s.transport,
        persist: s.persist,
        timeoutMs: s.timeoutMs,
        identityFile: s.identity_file ?? null,
        knownHostsFile: s.known_hosts ?? null,
      },
    };
  });
  return { targets };
}

/** Reads and parses the targets file; the error names the file. */
export function loadTargets(file: string): TargetsConfig {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > TARGETS_LIMITS.fileBytes) throw new Error(`over ${TARGETS_LIMITS.fileBytes} bytes`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseTargets(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}
