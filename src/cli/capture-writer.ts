import fs from 'node:fs';
import path from 'node:path';
import type { CommandResult } from '../probe/command-result.js';
import type { CommandName } from '../probe/commands.js';
import { KEEP_FILE } from '../probe/root-files.js';

/** Everything a capture will hold, after any redaction: what the probe read, as it will be written. */
export interface CaptureBundle {
  /** Root-relative path → content. */
  files: Map<string, Buffer>;
  /** Files read as bytes (ACPI tables): kept byte for byte, never redacted. */
  binary: Set<string>;
  /** Directories the probe listed or tested (kept even when empty). */
  dirs: Set<string>;
  commands: CommandResult[];
  /** capture.json's hostname. */
  hostname: string | null;
  commandOrigins: Partial<Record<CommandName, string>>;
}

export function assertEmptyTarget(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  if (fs.readdirSync(dir).length) throw new Error(`${dir} is not empty: refusing to mix captures`);
}

/** Create `rel` inside `out`, reproducing every symlink met on the source host along the way. */
function materialize(sourceRoot: string, out: string, rel: string): string {
  const parts = rel.split('/').filter(Boolean);
  let liveCur = sourceRoot;
  let relCur = '';
  for (let i = 0; i < parts.length; i++) {
    const livePath = path.join(liveCur, parts[i]!);
    const outPath = path.join(out, relCur, parts[i]!);
    let st: fs.Stats | null = null;
    try { st = fs.lstatSync(livePath); } catch { /* vanished: create plain */ }
    if (st?.isSymbolicLink()) {
      const target = fs.readlinkSync(livePath);
      const resolved = path.resolve(path.dirname(livePath), target);
      const relTarget = path.relative(sourceRoot, resolved);
      if (!relTarget.startsWith('..')) {
        if (!fs.existsSync(outPath)) {
          fs.mkdirSync(path.dirname(outPath), { recursive: true });
          fs.symlinkSync(path.relative(path.dirname(outPath), path.join(out, relTarget)), outPath);
        }
        // Continue from the link's target, so what lies below is written where the link points.
        const rest = parts.slice(i + 1).join('/');
        return materialize(sourceRoot, out, rest ? `${relTarget}/${rest}` : relTarget);
      }
    }
    relCur = relCur ? `${relCur}/${parts[i]}` : parts[i]!;
    liveCur = livePath;
  }
  return path.join(out, relCur);
}

/** An empty directory is information (no policy, module not loaded): keep it alive through git and tar. */
export function markEmptyDirs(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) markEmptyDirs(path.join(dir, e.name));
  }
  if (fs.readdirSync(dir).length === 0) fs.writeFileSync(path.join(dir, KEEP_FILE), '');
}

/** Writes the bundle to `out` (empty or absent), the symlinks of `sourceRoot` reproduced. */
export function writeCapture(b: CaptureBundle, sourceRoot: string, out: string, tool: string): { files: number; commands: number } {
  assertEmptyTarget(out);
  fs.mkdirSync(out, { recursive: true });
  for (const d of [...b.dirs].sort()) {
    if (b.files.has(d)) continue;
    fs.mkdirSync(materialize(sourceRoot, out, d), { recursive: true });
  }
  for (const [rel, bytes] of b.files) {
    const p = materialize(sourceRoot, out, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, bytes);
  }
  const cmdDir = path.join(out, 'commands');
  let commands = 0;
  for (const c of b.commands) {
    if (!c.available) continue;
    fs.mkdirSync(cmdDir, { recursive: true });
    fs.writeFileSync(path.join(cmdDir, `${c.name}.stdout`), c.stdout);
    if (c.stderr) fs.writeFileSync(path.join(cmdDir, `${c.name}.stderr`), c.stderr);
    fs.writeFileSync(path.join(cmdDir, `${c.name}.exit`), `${c.exitCode ?? (c.signal ? 128 + 9 : 1)}\n`);
    commands++;
  }
  markEmptyDirs(out);
  fs.writeFileSync(path.join(out, 'capture.json'), JSON.stringify({
    formatVersion: 1, capturedAt: new Date().toISOString(), hostname: b.hostname, tool, commandOrigins: b.commandOrigins,
  }, null, 2) + '\n');
  return { files: b.files.size, commands };
}
