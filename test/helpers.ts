import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHost } from '../src/probe/open-host.js';
import { probeHost } from '../src/probe/probe-host.js';
import { diagnose } from '../src/diagnosis/diagnose.js';
import type { Report } from '../src/diagnosis/report.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(REPO, 'test/sysfs-fixtures');
export const SHARED_SAMPLES = path.resolve(REPO, '../shared/samples');

export function fixtureNames(): string[] {
  return fs.readdirSync(FIXTURES).filter((n) => fs.statSync(path.join(FIXTURES, n)).isDirectory()).sort();
}

export async function reportFor(dir: string): Promise<Report> {
  return diagnose(await probeHost(openHost(dir), { now: () => new Date('2026-01-01T00:00:00Z') }));
}

/** Reference samples live in ../shared (beside the repo in every checkout and in CI). */
export function sample(name: string): string {
  const p = path.join(SHARED_SAMPLES, name);
  if (!fs.existsSync(p)) throw new Error(`reference sample missing: ${p} (../shared must sit beside the repository)`);
  return fs.readFileSync(p, 'utf8');
}

/** Scratch space outside the repository: hostile test roots hold symlinks into / that no file walker may follow. */
export function tmpDir(prefix: string): string {
  const base = path.join(os.tmpdir(), 'xen-pm-exporter-tests');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}
