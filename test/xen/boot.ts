import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { REPO, tmpDir } from '../helpers.js';

export const CACHE = process.env.XPM_XEN_CACHE ?? '/var/tmp/xen-pm-exporter-xen';
const HARNESS = path.join(REPO, 'test/xen/harness');

export interface Scenario {
  name: string;
  /** Xen's acpi-cpufreq only takes P-states on an Intel-vendor CPU (QEMU's qemu64 is AMD-flavoured). */
  intel: boolean;
  ssdt: 'none' | 'ppc0' | 'ppc2';
  xenCpufreq: string;
  blacklist?: boolean;
  /** kHz for `xenpm set-scaling-maxfreq`, before the daemon starts. */
  pin?: number;
  /** Seconds of CPU-bound load on both vCPUs after the daemon is up. */
  load?: number;
  interval?: string;
  window?: string;
  timeoutS: number;
}

export interface BootResult {
  log: string;
  blocks: Record<string, string>;
  healthStatus: number;
  health: { status: string; verdict: string; pstates: Record<string, unknown>; findings: Array<{ id: string; severity: string; evidence: string[] }>; platform: { kind: string } };
  metrics: string;
  captureDir: string;
  seconds: number;
}

/** Installs packages, bundles the daemon, builds the dom0 root and the SSDTs. Fails loudly when QEMU cannot run. */
export function prepare(): void {
  execFileSync('bash', [path.join(HARNESS, 'install-deps.sh')], { stdio: 'inherit', env: { ...process.env, XPM_XEN_CACHE: CACHE } });
  const q = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' });
  if (q.error || q.status !== 0) throw new Error(`QEMU cannot run here: ${q.error?.message ?? q.stderr}`);
  execFileSync(process.execPath, [path.join(REPO, 'scripts/bundle.mjs')], { cwd: REPO, stdio: 'ignore' });
  execFileSync('bash', [path.join(HARNESS, 'build-root.sh'), path.join(REPO, 'dist/xen-pm-exporter.mjs'), path.join(CACHE, 'dom0.cpio.gz')], { stdio: 'ignore', env: { ...process.env, XPM_XEN_CACHE: CACHE } });
  const asl = fs.readFileSync(path.join(HARNESS, 'ssdt-pstates.asl'), 'utf8');
  for (const ppc of [0, 2]) {
    const src = path.join(CACHE, `ssdt-ppc${ppc}.asl`);
    fs.writeFileSync(src, asl.replace(/PPC_VALUE/g, String(ppc)));
    execFileSync('iasl', ['-p', path.join(CACHE, `ssdt-ppc${ppc}`), src], { stdio: 'ignore' });
  }
}

/** Lines between `XPM-BEGIN name` and `XPM-END name`, without the hypervisor's own console lines. */
export function blocksOf(log: string): Record<string, string> {
  const out: Record<string, string> = {};
  let cur: string | null = null;
  let lines: string[] = [];
  for (const line of log.replace(/\r/g, '').split('\n')) {
    const begin = /^XPM-BEGIN (\S+)$/.exec(line);
    const end = /^XPM-END (\S+)$/.exec(line);
    if (begin) { cur = begin[1]!; lines = []; continue; }
    if (end && cur === end[1]) { out[cur] = lines.join('\n'); cur = null; continue; }
    if (cur !== null && !line.startsWith('(XEN)')) lines.push(line);
  }
  return out;
}

export function boot(sc: Scenario): BootResult {
  const kv = fs.readdirSync(path.join(CACHE, 'kernel/lib/modules'))[0]!;
  const logFile = path.join(tmpDir(`xen-${sc.name}-`), 'console.log');
  const xenCmd = `console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M dom0_max_vcpus=2 console_timestamps=boot ${sc.xenCpufreq}`;
  const dom0Cmd = [
    'console=hvc0 earlyprintk=xen', `xpm.scenario=${sc.name}`,
    sc.blacklist ? 'modprobe.blacklist=xen_acpi_processor' : '',
    sc.pin ? `xpm.pin=${sc.pin}` : '', sc.load ? `xpm.load=${sc.load}` : '',
    sc.interval ? `xpm.interval=${sc.interval}` : '', sc.window ? `xpm.window=${sc.window}` : '',
  ].filter(Boolean).join(' ');
  const args = [
    String(sc.timeoutS), 'qemu-system-x86_64', '-m', '2048', '-smp', '2', '-cpu', sc.intel ? 'qemu64,vendor=GenuineIntel' : 'qemu64',
    '-display', 'none', '-monitor', 'none', '-no-reboot', '-serial', `file:${logFile}`,
    '-kernel', path.join(CACHE, 'xen/boot/xen-4.17-amd64'), '-append', xenCmd,
    '-initrd', `${path.join(CACHE, 'kernel/boot', `vmlinuz-${kv}`)} ${dom0Cmd},${path.join(CACHE, 'dom0.cpio.gz')}`,
    ...(sc.ssdt === 'none' ? [] : ['-acpitable', `file=${path.join(CACHE, `ssdt-${sc.ssdt}.aml`)}`]),
  ];
  const started = Date.now();
  const r = spawnSync('timeout', args, { encoding: 'utf8' });
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  if (r.status !== 0) throw new Error(`QEMU exited ${r.status} (${r.status === 124 ? 'timeout' : r.stderr}); console tail:\n${log.slice(-3000)}`);
  const blocks = blocksOf(log);
  for (const b of ['metrics', 'health', 'capture-tgz']) if (!(b in blocks)) throw new Error(`no ${b} block on the console; tail:\n${log.slice(-3000)}`);
  const [status, ...health] = blocks['health']!.split('\n');
  const [, ...metrics] = blocks['metrics']!.split('\n');
  const captureDir = tmpDir(`xen-cap-${sc.name}-`);
  const tgz = Buffer.from(blocks['capture-tgz']!.split('\n').filter((l) => /^[A-Za-z0-9+/=]+$/.test(l)).join(''), 'base64');
  execFileSync('tar', ['xzf', '-', '-C', captureDir], { input: tgz });
  return {
    log, blocks, healthStatus: Number(status), health: JSON.parse(health.join('\n')), metrics: metrics.join('\n'),
    captureDir: path.join(captureDir, 'cap'), seconds: (Date.now() - started) / 1000,
  };
}
