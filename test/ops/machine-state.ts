import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

/**
 * What the test suite must leave as it found it: enabled services and running processes.
 * Read straight from /etc and /proc so it works with and without systemd as PID 1.
 */
export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  args: string;
  cwd: string;
  state: string;
  /** Start time in clock ticks since boot: a pid reused by a new process differs here. */
  start: number;
  env: string;
}

export interface MachineState {
  /** Symlinks that enable units or SysV scripts: /etc/systemd/system/*.wants|*.requires/*, /etc/rc?.d/S*. */
  enabled: string[];
  /** Active services, only where systemd is PID 1. */
  active: string[];
  procs: Map<number, Proc>;
}

/** Daemons a test might start (or a package's postinst might) that must not outlive the suite. */
export const DAEMONS = /^(prometheus|promtool|sshd|chromium|chrome|xen-pm-exporter|qemu-system-.*|prometheus-node-exporter|node_exporter)$/;

const read = (p: string) => {
  try { return fs.readFileSync(p, 'utf8'); } catch { return ''; }
};

export function enabledLinks(etc = '/etc'): string[] {
  const out: string[] = [];
  const sys = path.join(etc, 'systemd/system');
  for (const d of safeList(sys)) {
    if (!/\.(wants|requires|upholds)$/.test(d)) continue;
    for (const f of safeList(path.join(sys, d))) out.push(`${sys}/${d}/${f}`);
  }
  for (const d of safeList(etc)) {
    if (!/^rc[0-6S]\.d$/.test(d)) continue;
    for (const f of safeList(path.join(etc, d))) if (f.startsWith('S')) out.push(`${etc}/${d}/${f}`);
  }
  return out.sort();
}

function safeList(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}

export function systemdRunning(): boolean {
  return fs.existsSync('/run/systemd/system');
}

function activeServices(): string[] {
  if (!systemdRunning()) return [];
  const r = spawnSync('systemctl', ['list-units', '--type=service', '--state=active', '--no-legend', '--plain', '--no-pager'], { encoding: 'utf8', timeout: 20_000 });
  return (r.stdout ?? '').split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean).sort();
}

export function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const name of safeList('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const stat = read(`/proc/${pid}/stat`);
    // comm may hold spaces and parentheses: the fields after it start at the last ')'.
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const rest = stat.slice(close + 2).split(' ');
    let cwd = '';
    try { cwd = fs.readlinkSync(`/proc/${pid}/cwd`); } catch { /* gone, or not ours to read */ }
    out.set(pid, {
      pid,
      comm: stat.slice(stat.indexOf('(') + 1, close),
      state: rest[0] ?? '',
      ppid: Number(rest[1]),
      start: Number(rest[19]),
      args: read(`/proc/${pid}/cmdline`).split('\0').join(' ').trim(),
      cwd,
      env: read(`/proc/${pid}/environ`),
    });
  }
  return out;
}

export function snapshot(etc = '/etc'): MachineState {
  return { enabled: enabledLinks(etc), active: activeServices(), procs: processes() };
}

/** The pid and every ancestor of it: the test runner itself is not a leftover. */
export function ancestry(pid: number, procs: Map<number, Proc>): Set<number> {
  const out = new Set<number>();
  for (let p: Proc | undefined = procs.get(pid); p && !out.has(p.pid); p = procs.get(p.ppid)) out.add(p.pid);
  return out;
}

export interface Leftovers {
  enabled: string[];
  disabled: string[];
  started: string[];
  processes: Proc[];
}

/**
 * Compares two snapshots. A process counts as left behind when it started after `before` and is
 * still running, is not the runner or its own helpers, and either carries this run's marker in its
 * environment, names the run's scratch directory in its arguments or cwd, or is a daemon that
 * got detached (parent PID 1) — what a postinst starting a service would leave.
 */
export function compare(before: MachineState, after: MachineState, opts: { marker: string; scratch: string; self: number }): Leftovers {
  const runner = ancestry(opts.self, after.procs);
  const isNew = (p: Proc) => before.procs.get(p.pid)?.start !== p.start;
  const processes = [...after.procs.values()].filter((p) => {
    if (!isNew(p) || p.state === 'Z' || runner.has(p.pid)) return false;
    // The runner's own helpers: esbuild's transform service and vitest's worker forks.
    if (runner.has(p.ppid) && (p.comm === 'esbuild' || /vitest/.test(p.args))) return false;
    const ours = p.env.split('\0').includes(opts.marker) || p.args.includes(opts.scratch) || p.cwd.startsWith(opts.scratch);
    const detachedDaemon = p.ppid === 1 && DAEMONS.test(p.comm);
    return ours || detachedDaemon;
  });
  const b = new Set(before.enabled);
  const a = new Set(after.enabled);
  const ba = new Set(before.active);
  return {
    enabled: after.enabled.filter((l) => !b.has(l)),
    disabled: before.enabled.filter((l) => !a.has(l)),
    started: after.active.filter((s) => !ba.has(s)),
    processes,
  };
}

export function describeLeftovers(l: Leftovers): string[] {
  return [
    ...l.enabled.map((e) => `enabled during the run: ${e}`),
    ...l.disabled.map((e) => `disabled during the run: ${e}`),
    ...l.started.map((s) => `service started during the run: ${s}`),
    ...l.processes.map((p) => `still running: pid ${p.pid} (${p.comm}) ppid ${p.ppid} cwd ${p.cwd || '?'}: ${p.args.slice(0, 200)}`),
  ];
}
