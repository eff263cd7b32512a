import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, tmpDir } from '../helpers.js';
import { toolFile } from '../ops/tools.js';

/**
 * Runs the checked-in collector the way a dom0 would, against a fixture directory (`--root`), with
 * fake `xenpm`, `xl`, `dmesg` and `journalctl` that replay the fixture's recorded outputs
 * (commands/NAME.stdout|stderr|exit, the capture format). A command the fixture has no recording of
 * answers with NOT_RECORDED and exit 99; `dropUnrecorded` removes those blocks, which makes the stream
 * hold exactly what the capture directory holds (a directory can lack a command; a live host cannot).
 */
export const COLLECTOR = path.join(REPO, 'collector/xen-pm-collect');
export const NOT_RECORDED = 'XPM-TEST-NOT-RECORDED';

/** The shells a dom0 may run the collector with. bash as `sh` is bash's POSIX mode, as on CentOS 7. */
export const SHELLS: Record<string, { file: string; argv: string[] }> = {
  // dash and busybox from the private tool cache (scripts/ensure-test-tools.sh); bash is the system's own.
  dash: { file: toolFile('bin/dash'), argv: ['dash'] },
  busybox: { file: toolFile('bin/busybox'), argv: ['sh'] },
  'bash-as-sh': { file: '/usr/bin/bash', argv: ['sh'] },
  'bash-posix': { file: '/usr/bin/bash', argv: ['bash', '--posix'] },
};

const SH_QUOTE = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A directory of fake tools replaying `fixture`'s recordings; put it first on PATH. */
export function fakeTools(fixture: string, extra: Record<string, string> = {}): string {
  const bin = tmpDir('fakebin-');
  const cmds = path.join(fixture, 'commands');
  const replay = (nameExpr: string) => `#!/bin/sh
# Replays a recorded command of ${path.basename(fixture)} (test/remote/collector-harness.ts).
d=${SH_QUOTE(cmds)}
n=${nameExpr}
if [ ! -e "$d/$n.stdout" ] && [ ! -e "$d/$n.stderr" ] && [ ! -e "$d/$n.exit" ]; then
  echo "${NOT_RECORDED} $n" >&2
  exit 99
fi
[ ! -e "$d/$n.stdout" ] || cat "$d/$n.stdout"
[ ! -e "$d/$n.stderr" ] || cat "$d/$n.stderr" >&2
x=0
[ ! -e "$d/$n.exit" ] || x=$(cat "$d/$n.exit")
exit "$x"
`;
  const tools: Record<string, string> = {
    xenpm: replay('xenpm-$1'),
    xl: replay('xl-$1'),
    dmesg: replay('dmesg'),
    // The capture format has one kernel log; a journal beside it is never recorded.
    journalctl: replay('journalctl'),
    ...extra,
  };
  for (const [name, text] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  return bin;
}

/** Removes the blocks of commands the fixture has no recording of, and recounts END. */
export function dropUnrecorded(stream: string): string {
  const lines = stream.split('\n');
  const out: string[] = [];
  let block: string[] | null = null;
  let dropped = 0;
  const flush = () => {
    if (block && block.some((l) => l.startsWith(`e ${NOT_RECORDED}`))) dropped++;
    else if (block) out.push(...block);
    block = null;
  };
  for (const l of lines) {
    if (l.startsWith('C ')) {
      flush();
      block = [l];
    } else if (block && /^(?:[oe] |x |t$|n$)/.test(l)) {
      block.push(l);
    } else {
      flush();
      const m = /^END (\d+)$/.exec(l);
      out.push(m ? `END ${Number(m[1]) - dropped}` : l);
    }
  }
  flush();
  return out.join('\n');
}

export interface CollectorRun {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Processes of its process group still alive after it exited. */
  leftBehind: boolean;
}

/** One run of the collector under `shell`, in an empty working directory, with PATH = fakes + system. */
export function runCollector(shell: keyof typeof SHELLS, args: string[], opts: { bin?: string; cwd?: string; env?: Record<string, string>; stdinScript?: boolean; timeoutMs?: number } = {}): Promise<CollectorRun> {
  const sh = SHELLS[shell]!;
  const started = performance.now();
  const argv = opts.stdinScript ? [...sh.argv.slice(1), '-s', '--', ...args] : [...sh.argv.slice(1), COLLECTOR, ...args];
  return new Promise((resolve) => {
    const child = spawn(sh.file, argv, {
      argv0: sh.argv[0],
      cwd: opts.cwd ?? tmpDir('cwd-'),
      detached: true,
      stdio: [opts.stdinScript ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: { PATH: `${opts.bin ? `${opts.bin}:` : ''}/usr/bin:/bin`, ...opts.env },
    });
    if (opts.stdinScript) child.stdin!.end(fs.readFileSync(COLLECTOR));
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, opts.timeoutMs ?? 60_000);
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      // A watchdog told to stop may take a moment to go; one still there after 3 s was left behind.
      let leftBehind = false;
      for (let i = 0; i < 30; i++) {
        try {
          process.kill(-child.pid!, 0);
          leftBehind = true;
        } catch {
          leftBehind = false;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      if (leftBehind) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal, wallMs, leftBehind });
    });
  });
}
