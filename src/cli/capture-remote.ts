import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_NAMES } from '../probe/commands.js';
import type { StreamCapture } from '../remote/stream-decoder.js';
import { StreamHost } from '../remote/stream-host.js';
import { collectionProblems, SSH_SOURCE } from '../remote/remote-host.js';
import { collectOverSsh, type SshTarget } from '../remote/ssh.js';
import type { HostOptions } from '../probe/open-host.js';
import { ProbeCycle } from '../cycle/probe-cycle.js';
import { VERSION } from '../util/version.js';
import { assertEmptyTarget, markEmptyDirs } from './capture.js';

/**
 * Writes a decoded capture stream as a capture directory (docs/capture-format.md): the one place a
 * stream reaches the disk. Paths were checked by the decoder (no `..`, no absolute, no links); every
 * write still goes through a containment check, and nothing but directories and regular files is made.
 */
async function writeStreamCapture(capture: StreamCapture, host: StreamHost, out: string, source: string): Promise<{ files: number; commands: number }> {
  assertEmptyTarget(out);
  fs.mkdirSync(out, { recursive: true });
  const root = fs.realpathSync(out);
  const place = (rel: string) => {
    const p = path.resolve(root, rel);
    if (!p.startsWith(root + path.sep)) throw new Error(`refusing to write outside ${out}: ${rel}`);
    return p;
  };
  for (const d of [...capture.dirs].sort()) fs.mkdirSync(place(d), { recursive: true });
  for (const [rel, f] of capture.files) {
    const p = place(rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.bytes, { flag: 'wx' });
  }
  // Commands as the capture reader will read them back: the chosen kernel log, filtered as a live capture is.
  let commands = 0;
  const origins: Record<string, string> = {};
  for (const name of COMMAND_NAMES) {
    if (!capture.commands.has(name)) continue;
    const c = await host.runCommand(name);
    origins[name] = c.origin;
    if (!c.available) continue;
    const dir = place('commands');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.stdout`), c.stdout);
    if (c.stderr) fs.writeFileSync(path.join(dir, `${name}.stderr`), c.stderr);
    fs.writeFileSync(path.join(dir, `${name}.exit`), `${c.exitCode ?? 137}\n`);
    commands++;
  }
  markEmptyDirs(root);
  fs.writeFileSync(path.join(root, 'capture.json'), JSON.stringify({
    formatVersion: 1,
    capturedAt: capture.meta.get('started') ?? new Date().toISOString(),
    hostname: capture.meta.get('hostname') ?? null,
    tool: `xen-pm-exporter ${VERSION} over ssh from ${source}`,
    collector: capture.meta.get('collector') ?? null,
    uname: capture.meta.get('uname') ?? null,
    commandOrigins: origins,
    // A file that exists on the host but could not be read has no place in a directory: named here.
    unreadable: Object.fromEntries([...capture.errors].map(([p, e]) => [p, `${e.kind}: ${e.reason}`])),
  }, null, 2) + '\n');
  return { files: capture.files.size, commands };
}

/** `capture --ssh DEST --out DIR`: collect once over SSH, write the capture directory, print the verdict. */
export async function runRemoteCapture(host: HostOptions, target: SshTarget, out: string): Promise<number> {
  assertEmptyTarget(out);
  const c = await collectOverSsh(target);
  if (!c.ok) {
    process.stderr.write(`xen-pm-exporter: ${c.failure.kind}: ${c.failure.message}\n`);
    return 1;
  }
  const problems = collectionProblems(c);
  const streamHost = new StreamHost(`ssh://${target.destination}`, c.capture, problems, host.settings);
  const { files, commands } = await writeStreamCapture(c.capture, streamHost, out, target.destination);
  const { report } = await new ProbeCycle(streamHost).run();
  for (const p of problems) process.stderr.write(`xen-pm-exporter: ${p.source === SSH_SOURCE ? '' : `${p.source}: `}${p.reason}\n`);
  process.stdout.write(`wrote ${files} file(s) and ${commands} command output(s) from ${target.destination} to ${out}\n${report.verdict}\n`);
  return 0;
}
