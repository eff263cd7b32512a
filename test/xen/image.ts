import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO } from '../helpers.js';
import type { Release } from './releases.js';

/** Downloads and built images live here, keyed by release, so a second run on one machine is fast. */
export const CACHE = process.env.XPM_XEN_CACHE ?? '/var/tmp/xen-pm-exporter-xen';
export const HARNESS = path.join(REPO, 'test/xen/harness');
/** The fleet collector another engineer writes; packed into dom0 when the repository has it. */
export const COLLECTOR = path.join(REPO, 'collector/xen-pm-collect');

const env = { ...process.env, XPM_XEN_CACHE: CACHE };
const sh = (script: string, args: string[]) => execFileSync('bash', [path.join(HARNESS, script), ...args], { stdio: 'inherit', env });
/** Asynchronous, so a test worker stays responsive to vitest while a release downloads (a blocked worker misses vitest's RPC deadline). */
const shAsync = async (script: string, args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)('bash', [path.join(HARNESS, script), ...args], { env, maxBuffer: 16 << 20 });
    if (stdout.trim()) process.stdout.write(stdout);
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`${script} ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
};
const hashOf = (...files: string[]) => {
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(fs.readFileSync(f));
  return h.digest('hex').slice(0, 12);
};

/** Host tools, the daemon bundle, node's part of the image and the per-run overlay (release-independent). */
export function prepareHost(): { node: string; overlay: string } {
  sh('install-deps.sh', []);
  const q = (() => { try { return execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }); } catch (e) { return String(e); } })();
  if (!/QEMU emulator version/.test(q)) throw new Error(`QEMU cannot run here: ${q}`);
  fs.mkdirSync(path.join(CACHE, 'run'), { recursive: true });
  execFileSync(process.execPath, [path.join(REPO, 'scripts/bundle.mjs')], { cwd: REPO, stdio: 'ignore' });
  const node = path.join(CACHE, `node-${process.version}-${hashOf(path.join(HARNESS, 'build-node.sh'))}.cpio`);
  if (!fs.existsSync(node)) sh('build-node.sh', [node]);
  const overlay = path.join(CACHE, 'run', 'overlay.cpio.gz');
  sh('build-overlay.sh', [path.join(REPO, 'dist/xen-pm-exporter.mjs'), overlay, ...(fs.existsSync(COLLECTOR) ? [COLLECTOR] : [])]);
  return { node, overlay };
}

export interface ReleaseImage {
  release: Release;
  xen: string;
  vmlinuz: string;
  kernelVersion: string;
  initrd: string;
  versions: string;
}

/** Fetches one release (cached) and assembles its dom0 initramfs: release base + node + overlay. */
export async function prepareRelease(rel: Release, parts: { node: string; overlay: string }): Promise<ReleaseImage> {
  await shAsync('fetch-release.sh', [rel.suite, rel.xen]);
  const dir = path.join(CACHE, rel.suite);
  const base = path.join(dir, `base-${hashOf(path.join(HARNESS, 'build-base.sh'), path.join(dir, 'ready'))}.cpio`);
  if (!fs.existsSync(base)) await shAsync('build-base.sh', [rel.suite, rel.xen, base]);
  const { node, overlay } = parts;
  // The kernel unpacks concatenated cpio archives (plain or compressed) in order: later files win.
  const initrd = path.join(dir, 'dom0.cpio');
  await fs.promises.writeFile(initrd, Buffer.concat(await Promise.all([base, node, overlay].map((f) => fs.promises.readFile(f)))));
  return {
    release: rel,
    xen: path.join(dir, 'xen/boot', `xen-${rel.xen}-amd64`),
    vmlinuz: path.join(dir, 'vmlinuz'),
    kernelVersion: fs.readFileSync(path.join(dir, 'kernel-version'), 'utf8').trim(),
    initrd,
    versions: fs.readFileSync(path.join(dir, 'versions.txt'), 'utf8'),
  };
}
