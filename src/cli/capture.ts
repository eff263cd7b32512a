import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { HostRoot } from '../probe/host-root.js';
import type { CommandResult } from '../probe/command-result.js';
import type { CommandName } from '../probe/commands.js';
import { KEEP_FILE } from '../probe/root-files.js';
import { openHost, type HostOptions } from '../probe/open-host.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import { VERSION } from '../util/version.js';

/**
 * Wraps a live host root and remembers everything the probe read, so a capture holds exactly
 * the probe's inputs: file contents (read, never file-copied: procfs reports size 0), the
 * symlinks on the way (kept as links), the directories it listed or tested, and command output.
 */
class RecordingHost implements HostRoot {
  readonly files = new Map<string, Buffer>();
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
    if (r.ok) this.files.set(rel, r.bytes);
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

/** Create `rel` inside `out`, reproducing every symlink met on the live host along the way. */
function materialize(liveRoot: string, out: string, rel: string): string {
  const parts = rel.split('/').filter(Boolean);
  let liveCur = liveRoot;
  let relCur = '';
  for (let i = 0; i < parts.length; i++) {
    const livePath = path.join(liveCur, parts[i]!);
    const outPath = path.join(out, relCur, parts[i]!);
    let st: fs.Stats | null = null;
    try { st = fs.lstatSync(livePath); } catch { /* vanished: create plain */ }
    if (st?.isSymbolicLink()) {
      const target = fs.readlinkSync(livePath);
      const resolved = path.resolve(path.dirname(livePath), target);
      const relTarget = path.relative(liveRoot, resolved);
      if (!relTarget.startsWith('..')) {
        if (!fs.existsSync(outPath)) {
          fs.mkdirSync(path.dirname(outPath), { recursive: true });
          fs.symlinkSync(path.relative(path.dirname(outPath), path.join(out, relTarget)), outPath);
        }
        // Continue from the link's target, so what lies below is written where the link points.
        const rest = parts.slice(i + 1).join('/');
        return materialize(liveRoot, out, rest ? `${relTarget}/${rest}` : relTarget);
      }
    }
    relCur = relCur ? `${relCur}/${parts[i]}` : parts[i]!;
    liveCur = livePath;
  }
  return path.join(out, relCur);
}

export function assertEmptyTarget(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  if (fs.readdirSync(dir).length) throw new Error(`${dir} is not empty: refusing to mix captures`);
}

function writeCapture(rec: RecordingHost, out: string, version: string): { files: number; commands: number } {
  assertEmptyTarget(out);
  fs.mkdirSync(out, { recursive: true });
  const root = rec.path;
  for (const d of [...rec.dirs].sort()) {
    const p = materialize(root, out, d);
    let isDir = false;
    try { isDir = fs.statSync(path.join(root, d)).isDirectory(); } catch { /* gone */ }
    if (isDir) fs.mkdirSync(p, { recursive: true });
    else if (!rec.files.has(d)) {
      const r = rec.readText(d);
      if (r.ok) rec.files.set(d, Buffer.from(r.text));
    }
  }
  for (const [rel, bytes] of rec.files) {
    const p = materialize(root, out, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, bytes);
  }
  const cmdDir = path.join(out, 'commands');
  let commands = 0;
  for (const c of rec.commands) {
    if (!c.available) continue;
    fs.mkdirSync(cmdDir, { recursive: true });
    fs.writeFileSync(path.join(cmdDir, `${c.name}.stdout`), c.stdout);
    if (c.stderr) fs.writeFileSync(path.join(cmdDir, `${c.name}.stderr`), c.stderr);
    fs.writeFileSync(path.join(cmdDir, `${c.name}.exit`), `${c.exitCode ?? (c.signal ? 128 + 9 : 1)}\n`);
    commands++;
  }
  markEmptyDirs(out);
  fs.writeFileSync(path.join(out, 'capture.json'), JSON.stringify({
    formatVersion: 1, capturedAt: new Date().toISOString(), hostname: os.hostname(), tool: `xen-pm-exporter ${version}`,
    commandOrigins: Object.fromEntries(rec.commands.map((c) => [c.name, c.origin])),
  }, null, 2) + '\n');
  return { files: rec.files.size, commands };
}

/** An empty directory is information (no policy, module not loaded): keep it alive through git and tar. */
export function markEmptyDirs(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) markEmptyDirs(path.join(dir, e.name));
  }
  if (fs.readdirSync(dir).length === 0) fs.writeFileSync(path.join(dir, KEEP_FILE), '');
}

/** `capture --out DIR`: one run of the cycle on a recording host, then everything it read written to DIR. */
export async function runCapture(host: HostOptions, out: string): Promise<number> {
  assertEmptyTarget(out);
  const rec = new RecordingHost(openHost(host.root, host.settings, host.commands));
  const { report } = await new ProbeCycle(rec).run();
  const { files, commands } = writeCapture(rec, out, VERSION);
  process.stdout.write(`wrote ${files} file(s) and ${commands} command output(s) to ${out}\n${report.verdict}\n`);
  return 0;
}
