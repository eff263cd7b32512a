import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, tmpDir } from '../helpers.js';
import type { SshTarget } from '../../src/remote/ssh.js';
import { COLLECTOR, fakeTools } from './collector-harness.js';
import { keyPair, startSshd, type KeyPair, type Sshd } from './sshd.js';

/**
 * A real sshd on 127.0.0.1 with one forced-command key per behaviour: collectors over fixtures (fake
 * xenpm/xl/dmesg replay their recordings), `sh -s` for stdin mode, and every hostile or broken remote
 * the transports must survive. Shared by the OpenSSH and the built-in transport's tests.
 */

/** Fixtures with every command of their tools recorded: a dom0 with and without the hand-off, bare metal. */
export const SAME_REPORT = ['qemu-xen-4.17-pstates-uploaded', 'qemu-xen-4.17-module-blacklisted', 'qemu-xen-4.17-ppc-capped', 'bare-metal-acpi-cpufreq-boost'];

/** Fake tools for the tools the fixture has recordings of; the others are not installed. */
function toolsOf(fixture: string): string {
  const bin = fakeTools(fixture);
  const recorded = fs.existsSync(path.join(fixture, 'commands')) ? fs.readdirSync(path.join(fixture, 'commands')) : [];
  for (const tool of ['xenpm', 'xl', 'dmesg', 'journalctl']) {
    if (!recorded.some((f) => f === `${tool}.stdout` || f.startsWith(`${tool}-`))) fs.rmSync(path.join(bin, tool));
  }
  return bin;
}

/**
 * A forced-command line. environment="SHLVL=1": bash (root's shell here) sources ~/.bashrc when sshd runs it
 * unless SHLVL says it is nested, and a developer's .bashrc (pyenv init: a second of CPU) is not the remote
 * side these tests mean.
 */
const forced = (command: string, key: KeyPair) => `restrict,environment="SHLVL=1",command="${command.replace(/"/g, '\\"')}" ${key.public}`;

export interface SshWorld {
  sshd: Sshd;
  keysDir: string;
  knownHosts: string;
  keys: Record<string, KeyPair>;
  hangPidFile: string;
  dest(): string;
  target(key: string, extra?: Partial<SshTarget>): SshTarget;
}

export async function startSshWorld(): Promise<SshWorld> {
  const keysDir = tmpDir('sshkeys-');
  const keys: Record<string, KeyPair> = {};
  const lines: string[] = [];
  for (const f of SAME_REPORT) {
    keys[f] = keyPair(keysDir, f);
    lines.push(forced(`env PATH=${toolsOf(path.join(FIXTURES, f))}:/usr/bin:/bin ${COLLECTOR} --root ${path.join(FIXTURES, f)}`, keys[f]!));
  }
  const fx = path.join(FIXTURES, 'qemu-xen-4.17-pstates-uploaded');
  keys.stdin = keyPair(keysDir, 'stdin');
  // The script arrives on stdin: the key pins `sh -s` to the fixture, the client sends the collector.
  lines.push(forced(`env PATH=${toolsOf(fx)}:/usr/bin:/bin sh -s -- --root ${fx}`, keys.stdin!));
  keys.missing = keyPair(keysDir, 'missing');
  lines.push(forced('/usr/local/libexec/xen-pm-collect-not-installed-here', keys.missing!));
  keys.hang = keyPair(keysDir, 'hang');
  const hangPidFile = path.join(keysDir, 'hang.pid');
  lines.push(forced(`echo $$ > ${hangPidFile}; exec sleep 60`, keys.hang!));
  keys.garbage = keyPair(keysDir, 'garbage');
  lines.push(forced('head -c 100000000 /dev/urandom', keys.garbage!));
  keys.escape = keyPair(keysDir, 'escape');
  lines.push(forced("printf 'XPM-CAPTURE 1\\nF ../../etc/passwd\\n|root:x:0:0\\nEND 1\\n'", keys.escape!));
  keys.huge = keyPair(keysDir, 'huge');
  // 100 MB that follow the grammar: only the total bound stops it.
  lines.push(forced("printf 'XPM-CAPTURE 1\\nF sys/a\\n'; yes '|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' | head -c 100000000", keys.huge!));
  keys.truncated = keyPair(keysDir, 'truncated');
  lines.push(forced(`${COLLECTOR} --root ${fx} | head -n 40`, keys.truncated!));
  keys.refused = keyPair(keysDir, 'refused');
  const sshd = await startSshd(lines);
  const knownHosts = path.join(keysDir, 'known_hosts');
  fs.writeFileSync(knownHosts, sshd.knownHostsLine + '\n');
  const dest = () => `127.0.0.1:${sshd.port}`;
  return {
    sshd, keysDir, knownHosts, keys, hangPidFile, dest,
    target: (key, extra = {}) => ({
      destination: dest(), mode: 'forced', identityFile: keys[key]!.private, knownHostsFile: knownHosts, timeoutMs: 30_000, configFile: '/dev/null', ...extra,
    }),
  };
}

/** Ends the hanging collector's sleep (the test's own process, by its id), if it got as far as starting. */
export async function killHang(w: SshWorld): Promise<void> {
  for (let i = 0; i < 20 && !fs.existsSync(w.hangPidFile); i++) await new Promise((r) => setTimeout(r, 100));
  if (fs.existsSync(w.hangPidFile)) {
    try { process.kill(Number(fs.readFileSync(w.hangPidFile, 'utf8')), 'SIGKILL'); } catch { /* already gone */ }
    fs.rmSync(w.hangPidFile, { force: true });
  }
}
