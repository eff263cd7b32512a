import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { tmpDir } from '../helpers.js';
import type { Report } from '../../src/diagnosis/report.js';
import { buildSsdt } from './ssdt.js';
import { CACHE, HARNESS, type ReleaseImage } from './image.js';

export interface Scenario {
  name: string;
  /** Xen's acpi-cpufreq only takes P-states on an Intel-vendor CPU (QEMU's qemu64 is AMD-flavoured). */
  intel: boolean;
  /** _PPC value of the P-state SSDT, or no SSDT (stock QEMU firmware). */
  ppc: number | null;
  /** Extra Xen command-line options (cpufreq=…, smt=0, max_cstate=…). */
  xen: string;
  /** QEMU topology; default 2 CPUs, 1 thread each. */
  smp?: { cpus: number; threads: number };
  /** Dom0 kernel command-line additions (modprobe.blacklist=…, xen_acpi_processor.off=1). */
  dom0?: string[];
  /** boot: `modprobe -b xen-acpi-processor` before the daemon starts (like systemd); late: only in a step. */
  module?: 'boot' | 'late';
  /** kHz for `xenpm set-scaling-maxfreq` in the pinned-under-load step. */
  pin?: number;
  /** kHz for `xenpm set-scaling-speed` in the userspace-lowest step. */
  speed?: number;
  /** Seconds of CPU-bound load on both vCPUs in the under-load steps. */
  load?: number;
  interval?: string;
  window?: string;
  /** Also run `check --format json` inside dom0 at each step (costs a node start and a probe under TCG). */
  checkInDom0?: boolean;
  /** The situations this boot shows, in order; each is read out (see init.sh). Default: [name]. */
  steps?: readonly string[];
  timeoutS: number;
}

export type Health = Report;

/** What the running daemon, an in-dom0 `check` and a capture said after one step. */
export interface StepResult {
  healthStatus: number;
  health: Health;
  metrics: string;
  /** `check` run inside dom0 right after the daemon was read; null unless the scenario asks for it. */
  check: Report | null;
  checkExit: number | null;
  captureDir: string;
}

export interface BootResult {
  log: string;
  blocks: Record<string, string>;
  steps: Record<string, StepResult>;
  /** The last step, for one-step scenarios. */
  last: StepResult;
  /** `sh /xpm/xen-pm-collect` output inside dom0; null when the repository has no collector. */
  collectorStream: Buffer | null;
  qemuCommand: string;
  xenCommandLine: string;
  dom0CommandLine: string;
  seconds: number;
  /** init.sh's progress lines (`XPM daemon-up after 9s, at 52.1s`, …): where the boot spent its time. */
  timeline: string[];
}

/**
 * Lines between `XPM-BEGIN name` and `XPM-END name`, without the hypervisor's own console lines. Xen
 * writes to the same serial line and can cut into the middle of one of dom0's lines (seen under load:
 * `…N4E0e0u8Q+CiQ(XEN) [  191.47] uart interrupt taking more than 4ms, switched to poll`, the rest of
 * the base64 line on the next one): the part before `(XEN)` is joined to dom0's next line.
 */
export function blocksOf(log: string): Record<string, string> {
  const out: Record<string, string> = {};
  let cur: string | null = null;
  let lines: string[] = [];
  let cut = '';
  for (const line of log.replace(/\r/g, '').split('\n')) {
    const begin = /^XPM-BEGIN (\S+)$/.exec(line);
    const end = /^XPM-END (\S+)$/.exec(line);
    if (begin) { cur = begin[1]!; lines = []; cut = ''; continue; }
    if (end && cur === end[1]) { out[cur] = lines.join('\n'); cur = null; continue; }
    if (cur === null) continue;
    const xen = line.indexOf('(XEN)');
    if (xen === 0) continue;
    if (xen > 0) { cut += line.slice(0, xen); continue; }
    lines.push(cut + line);
    cut = '';
  }
  return out;
}

/** init.sh's own progress lines, outside the blocks: the times (seconds of dom0 uptime) that show where a boot went slow. */
export function timelineOf(log: string): string[] {
  return log.replace(/\r/g, '').split('\n')
    .filter((l) => l.startsWith('XPM ') && /\d(\.\d+)?s\b/.test(l))
    .map((l) => l.slice(4, 160));
}

const base64Of = (block: string) => Buffer.from(block.split('\n').filter((l) => /^[A-Za-z0-9+/=]+$/.test(l)).join(''), 'base64');

function jsonBlock<T>(block: string | undefined, what: string): T {
  if (block === undefined) throw new Error(`no ${what} block on the console`);
  try { return JSON.parse(block) as T; } catch { throw new Error(`${what} is not JSON:\n${block.slice(0, 2000)}`); }
}

function stepOf(blocks: Record<string, string>, step: string, sc: Scenario): StepResult {
  for (const b of ['metrics', 'health', 'capture-tgz', ...(sc.checkInDom0 ? ['check', 'check-exit'] : [])]) {
    if (!(`${b}@${step}` in blocks)) throw new Error(`no ${b}@${step} block on the console`);
  }
  const [status, ...health] = blocks[`health@${step}`]!.split('\n');
  const [, ...metrics] = blocks[`metrics@${step}`]!.split('\n');
  const dir = tmpDir(`xen-cap-${sc.name}-${step}-`);
  execFileSync('tar', ['xzf', '-', '-C', dir], { input: base64Of(blocks[`capture-tgz@${step}`]!) });
  return {
    healthStatus: Number(status), health: jsonBlock<Health>(health.join('\n'), `health@${step}`), metrics: metrics.join('\n'),
    check: sc.checkInDom0 ? jsonBlock<Report>(blocks[`check@${step}`], `check@${step}`) : null,
    checkExit: sc.checkInDom0 ? Number(blocks[`check-exit@${step}`]!.trim()) : null,
    captureDir: path.join(dir, 'cap'),
  };
}

/** Boots Xen + the release's dom0 under QEMU (TCG) and collects what init.sh printed. Asynchronous, so two boots can share the two cores. */
export async function boot(img: ReleaseImage, sc: Scenario): Promise<BootResult> {
  const cpus = sc.smp?.cpus ?? 2;
  const threads = sc.smp?.threads ?? 1;
  const steps = sc.steps ? [...sc.steps] : [sc.name];
  const logFile = path.join(tmpDir(`xen-${img.release.suite}-${sc.name}-`), 'console.log');
  const xenCmd = `console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M dom0_max_vcpus=2 console_timestamps=boot ${sc.xen}`.trim();
  const dom0Cmd = [
    // No commas anywhere: QEMU splits -initrd at commas (one multiboot module each).
    // quiet: the kernel log is unchanged (the daemon reads it), only the slow emulated console is spared.
    'console=hvc0 earlyprintk=xen quiet', `xpm.scenario=${sc.name}`, sc.checkInDom0 ? 'xpm.check=1' : '', `xpm.steps=${steps.join('+')}`, `xpm.module=${sc.module ?? 'boot'}`,
    ...(sc.dom0 ?? []), sc.pin ? `xpm.pin=${sc.pin}` : '', sc.speed ? `xpm.speed=${sc.speed}` : '', sc.load ? `xpm.load=${sc.load}` : '',
    sc.interval ? `xpm.interval=${sc.interval}` : '', sc.window ? `xpm.window=${sc.window}` : '',
  ].filter(Boolean).join(' ');
  if (dom0Cmd.includes(',')) throw new Error(`dom0 command line must not contain a comma (QEMU splits -initrd there): ${dom0Cmd}`);
  const ssdt = sc.ppc === null ? null : buildSsdt(fs.readFileSync(path.join(HARNESS, 'ssdt-pstates.asl'), 'utf8'), fs.mkdtempSync(path.join(CACHE, 'run', 'ssdt-')), cpus, sc.ppc);
  const qemu = [
    'qemu-system-x86_64', '-m', '2048', '-smp', threads > 1 ? `${cpus},sockets=1,cores=${cpus / threads},threads=${threads}` : String(cpus),
    '-cpu', sc.intel ? 'qemu64,vendor=GenuineIntel' : 'qemu64',
    '-display', 'none', '-monitor', 'none', '-no-reboot', '-serial', `file:${logFile}`,
    '-kernel', img.xen, '-append', xenCmd,
    '-initrd', `${img.vmlinuz} ${dom0Cmd},${img.initrd}`,
    ...(ssdt ? ['-acpitable', `file=${ssdt}`] : []),
  ];
  const started = Date.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const p = spawn('timeout', [String(sc.timeoutS), ...qemu], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { if (err.length < 10_000) err += d.toString(); });
    p.on('error', reject);
    p.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  if (code !== 0) throw new Error(`QEMU exited ${code} (${code === 124 ? `timeout after ${sc.timeoutS} s` : stderr}); console tail:\n${log.slice(-4000)}`);
  const blocks = blocksOf(log);
  let stepResults: Record<string, StepResult>;
  try {
    stepResults = Object.fromEntries(steps.map((s) => [s, stepOf(blocks, s, sc)]));
  } catch (e) {
    throw new Error(`${(e as Error).message}; console tail:\n${log.slice(-4000)}`);
  }
  return {
    log, blocks, steps: stepResults, last: stepResults[steps[steps.length - 1]!]!,
    collectorStream: 'collector-stream' in blocks ? base64Of(blocks['collector-stream']!) : null,
    qemuCommand: qemu.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' '), xenCommandLine: xenCmd, dom0CommandLine: dom0Cmd,
    seconds: (Date.now() - started) / 1000, timeline: timelineOf(log),
  };
}
