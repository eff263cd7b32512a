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
export const SAMPLES = path.join(REPO, 'test/samples');

export function fixtureNames(): string[] {
  return fs.readdirSync(FIXTURES).filter((n) => fs.statSync(path.join(FIXTURES, n)).isDirectory()).sort();
}

export async function reportFor(dir: string): Promise<Report> {
  return diagnose(await probeHost(openHost(dir), { now: () => new Date('2026-01-01T00:00:00Z') }));
}

/** A format sample from test/samples (see its README: written from each tool's format strings). */
export function sample(name: string): string {
  return fs.readFileSync(path.join(SAMPLES, name), 'utf8');
}

/** Scratch space outside the repository: hostile test roots hold symlinks into / that no file walker may follow. */
export function tmpDir(prefix: string): string {
  const base = path.join(os.tmpdir(), 'xen-pm-exporter-tests');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}
