import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { HostRoot } from '../probe/host-root.js';
import type { CommandResult } from '../probe/command-result.js';
import type { CommandName } from '../probe/commands.js';
import { openHost, type HostOptions } from '../probe/open-host.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import { VERSION } from '../util/version.js';
import { assertEmptyTarget, writeCapture, type CaptureBundle } from './capture-writer.js';
// capture-remote.ts writes a streamed capture with the same helpers.
export { assertEmptyTarget, markEmptyDirs } from './capture-writer.js';
import { captureSummary } from './capture-summary.js';
import { Redactor } from './redact.js';

/**
 * Wraps a live host root and remembers everything the probe read, so a capture holds exactly
 * the probe's inputs: file contents (read, never file-copied: procfs reports size 0), the
 * symlinks on the way (kept as links), the directories it listed or tested, and command output.
 */
class RecordingHost implements HostRoot {
  readonly files = new Map<string, Buffer>();
  readonly binary = new Set<string>();
  readonly dirs = new Set<string>();
  readonly commands: CommandResult[] = [];
  constructor(private readonly inner: HostRoot) {}
  get path() { return this.inner.path; }
  get live() { return this.inner.live; }
  readText(rel: string) {
    const r = this.inner.readText(rel);
    if (r.ok) this.files.set(rel, Buffer.from(r.text));
    return r;
  }
  readBytes(rel: string, max: number) {
    const r = this.inner.readBytes(rel, max);
    if (r.ok) {
      this.files.set(rel, r.bytes);
      this.binary.add(rel);
    }
    return r;
  }
  list(rel: string) {
    const r = this.inner.list(rel);
    if (r.ok) this.dirs.add(rel);
    return r;
  }
  exists(rel: string) {
    const e = this.inner.exists(rel);
    if (e) this.dirs.add(rel);
    return e;
  }
  commandEnabled(name: CommandName) {
    return this.inner.commandEnabled(name);
  }
  async runCommand(name: CommandName) {
    const r = await this.inner.runCommand(name);
    this.commands.push(r);
    return r;
  }
}

/** What the probe read, completed: a path it only tested for existence is kept as the directory or file it is. */
function gather(rec: RecordingHost, hostname: string | null): CaptureBundle {
  const dirs = new Set<string>();
  for (const d of rec.dirs) {
    let isDir = false;
    try { isDir = fs.statSync(path.join(rec.path, d)).isDirectory(); } catch { /* gone */ }
    if (isDir) dirs.add(d);
    else if (!rec.files.has(d)) rec.readText(d);
  }
  return {
    files: new Map(rec.files), binary: new Set(rec.binary), dirs, commands: [...rec.commands], hostname,
    commandOrigins: Object.fromEntries(rec.commands.map((c) => [c.name, c.origin])),
  };
}

/** The bundle with every text file and command output passed through the redactor; binary files as they are. */
function redact(b: CaptureBundle, r: Redactor): CaptureBundle {
  const files = new Map<string, Buffer>();
  // Sorted, so the placeholders' numbering does not depend on the order the probe read in.
  for (const rel of [...b.files.keys()].sort()) {
    const bytes = b.files.get(rel)!;
    // latin1 keeps every byte as it was; the patterns are ASCII.
    files.set(rel, b.binary.has(rel) ? bytes : Buffer.from(r.file(rel, bytes.toString('latin1')), 'latin1'));
  }
  const byName = new Map<string, CommandResult>();
  for (const c of [...b.commands].sort((x, y) => x.name.localeCompare(y.name))) byName.set(c.name, { ...c, stdout: r.text(c.stdout), stderr: r.text(c.stderr) });
  return { ...b, files, commands: b.commands.map((c) => byName.get(c.name)!), hostname: b.hostname === null ? null : r.hostName(b.hostname) };
}

/** The host's own name in `xl info` (`host : NAME`), which may differ from what dom0's kernel says. */
function xlInfoHost(commands: CommandResult[]): string | null {
  const out = commands.find((c) => c.name === 'xl-info')?.stdout ?? '';
  return /^host\s*:\s*(\S+)\s*$/m.exec(out)?.[1] ?? null;
}

/**
 * `capture --out DIR [--redact]`: one run of the cycle on a recording host; what it read is printed, redacted
 * on request, then written to DIR.
 */
export async function runCapture(host: HostOptions, out: string, options: { redact?: boolean } = {}): Promise<number> {
  assertEmptyTarget(out);
  const rec = new RecordingHost(openHost(host.root, host.settings, host.commands));
  const { report } = await new ProbeCycle(rec).run();
  // The name the probe read (the kernel's, or the one a re-captured capture recorded); this machine's own as a fallback.
  const hostname = report.host.name ?? (rec.live && os.hostname() !== '(none)' ? os.hostname() : null);
  let bundle = gather(rec, hostname);
  let redacted = null;
  if (options.redact) {
    const redactor = new Redactor([hostname, report.host.name, xlInfoHost(bundle.commands)]);
    bundle = redact(bundle, redactor);
    redacted = redactor.counts();
  }
  process.stdout.write(captureSummary(bundle, redacted).join('\n') + '\n');
  const { files, commands } = writeCapture(bundle, rec.path, out, `xen-pm-exporter ${VERSION}`);
  process.stdout.write(`wrote ${files} file(s) and ${commands} command output(s) to ${out}\n${report.verdict}\n`);
  return 0;
}
