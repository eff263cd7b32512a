import fs from 'node:fs';
import { type CommandResult, emptyResult } from './command-result.js';
import { COMMANDS } from './commands.js';
import { type CommandSettings, JOURNAL_KERNEL_ARGS } from './command-settings.js';
import { spawnCapped } from './spawn-capped.js';
import { kmsgRecordToDmesgLine } from './parse-kernel-log.js';

/** dmesg's own words when kernel.dmesg_restrict=1 keeps it from reading the ring. */
const RESTRICTED = /Operation not permitted|Permission denied/i;
/** An unwrapped ring starts at boot; a first line later than this means early lines are gone. */
const WRAPPED_AFTER_SECONDS = 1;

function firstTimestamp(stdout: string): number | null {
  const m = /^(?:<\d+>)?\[\s*(\d+)\.(\d+)\]/.exec(stdout);
  return m ? Number(m[1]) : null;
}

/** Reads /dev/kmsg without blocking: one record per read(), EAGAIN at the end of the ring. */
function readKmsg(lineFilter: (line: string) => boolean, maxBytes: number): CommandResult {
  const started = performance.now();
  const result: CommandResult = { ...emptyResult('dmesg', '/dev/kmsg', 'not-found', ''), failure: null, error: null, linesSeen: 0 };
  let fd: number | null = null;
  try {
    fd = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const buf = Buffer.allocUnsafe(16 * 1024);
    const kept: string[] = [];
    let bytes = 0;
    for (let i = 0; i < 10_000_000; i++) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue; // record overwritten while we read: skip it
        throw e;
      }
      if (n === 0) break;
      const line = kmsgRecordToDmesgLine(buf.toString('utf8', 0, n));
      if (line === null) continue;
      result.linesSeen!++;
      if (!lineFilter(line)) continue;
      if (bytes + line.length > maxBytes) {
        result.truncated = true;
        continue;
      }
      kept.push(line);
      bytes += line.length + 1;
    }
    result.stdout = kept.length ? kept.join('\n') + '\n' : '';
    result.available = true;
    result.exitCode = 0;
  } catch (e) {
    result.error = `/dev/kmsg: ${(e as Error).message}`;
    result.failure = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'unreadable';
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  result.durationMs = performance.now() - started;
  return result;
}

/** Why dmesg's answer is not the kernel log to use, if it is not. */
export interface KernelLogVerdict {
  usable: boolean;
  /** kernel.dmesg_restrict=1 kept dmesg from the ring. */
  restricted: boolean;
  /** The ring's first line is later than boot: the boot-time lines are gone. */
  wrapped: boolean;
}

/** Pure: is dmesg's result (and the first line it printed, before any filter) the kernel log to use? */
export function kernelLogVerdict(primary: CommandResult, firstLine: string | null): KernelLogVerdict {
  const restricted = primary.available && (primary.exitCode ?? 0) !== 0 && RESTRICTED.test(primary.stderr);
  const ts = firstLine === null ? null : firstTimestamp(firstLine);
  const wrapped = primary.available && !restricted && ts !== null && ts > WRAPPED_AFTER_SECONDS;
  return { usable: primary.available && !restricted && !wrapped && (primary.exitCode ?? 0) === 0, restricted, wrapped };
}

/**
 * Pure: given dmesg's result was not usable, the journal's answer when it gave one, else dmesg's result
 * saying why neither served. `journal` null: there was no journal to ask. The live reader and the
 * remote stream (whose collector ran both) decide with this one rule.
 */
export function chooseKernelLog(primary: CommandResult, verdict: KernelLogVerdict, journal: CommandResult | null): CommandResult {
  if (verdict.usable) return primary;
  if (journal && journal.available && journal.exitCode === 0 && journal.stdout.trim() !== '') {
    journal.origin += verdict.restricted ? ' (dmesg restricted)' : verdict.wrapped ? ' (dmesg ring wrapped)' : ' (dmesg failed)';
    return journal;
  }
  if (!primary.available || verdict.restricted) {
    const journalSaid = journal ? journal.error ?? (journal.stderr.trim() || null) : 'journalctl: not available';
    primary.error = [primary.error, verdict.restricted ? 'dmesg restricted (kernel.dmesg_restrict)' : null, journalSaid]
      .filter(Boolean).join('; ') || 'kernel log unavailable';
  }
  return primary;
}

/**
 * The dom0 kernel log, from the best live source: `dmesg`; `/dev/kmsg` when there is no dmesg
 * binary; `journalctl -k -b` when dmesg is restricted or the ring has wrapped past the boot
 * messages (the xen_acpi_processor lines are printed once, at boot).
 */
export async function readLiveKernelLog(s: CommandSettings): Promise<CommandResult> {
  const keep = COMMANDS.dmesg.lineFilter ?? (() => true);
  const limits = { timeoutMs: s.logTimeoutMs, maxOutputBytes: s.maxOutputBytes, lineFilter: keep };
  // The filter must see the first line to judge wrapping, so remember it.
  let first: string | null = null;
  const filter = (line: string) => {
    first ??= line;
    return keep(line);
  };
  let primary = await spawnCapped('dmesg', [s.dmesgPath], { ...limits, lineFilter: filter });
  if (!primary.available) primary = readKmsg(filter, s.maxOutputBytes);
  const verdict = kernelLogVerdict(primary, first);
  if (verdict.usable) return primary;
  const journal = await spawnCapped('dmesg', [s.journalctlPath, ...JOURNAL_KERNEL_ARGS], limits);
  return chooseKernelLog(primary, verdict, journal);
}
