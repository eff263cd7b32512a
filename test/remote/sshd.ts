import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO, tmpDir } from '../helpers.js';
import { freePort } from '../net.js';

/**
 * A real OpenSSH server for the tests, never installed: Debian's openssh-server (and the libwrap0 it
 * links) unpacked with `apt-get download` + `dpkg-deb -x` into a private cache, because installing the
 * package would enable and start ssh.service. Each server has its own host key, config and
 * authorized_keys in a temp dir and listens on 127.0.0.1 only.
 */
const CACHE = path.join(REPO, 'test/.tmp/openssh-server');
const ROOT = path.join(CACHE, 'root');
const SSHD = path.join(ROOT, 'usr/sbin/sshd');
const LIBS = [path.join(ROOT, 'usr/lib/x86_64-linux-gnu'), path.join(ROOT, 'lib/x86_64-linux-gnu')].join(':');
const PRIVSEP = '/run/sshd';

function download(pkgs: string[]): void {
  try {
    execFileSync('apt-get', ['download', ...pkgs], { cwd: CACHE, stdio: 'pipe' });
  } catch {
    // A machine that never ran `apt-get update` does not know the package yet.
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
    execFileSync('apt-get', ['download', ...pkgs], { cwd: CACHE, stdio: 'pipe' });
  }
}

/** The unpacked sshd, downloaded on first use. */
export function ensureSshd(): string {
  if (fs.existsSync(SSHD)) return SSHD;
  fs.mkdirSync(CACHE, { recursive: true });
  download(['openssh-server', 'libwrap0']);
  for (const deb of fs.readdirSync(CACHE).filter((f) => f.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', path.join(CACHE, deb), ROOT]);
  }
  if (!fs.existsSync(SSHD)) throw new Error(`no sshd in ${ROOT} after unpacking`);
  return SSHD;
}

// One free-port helper for every test (test/net.ts); sshd's callers import it from here too.
export { freePort };

export interface KeyPair {
  private: string;
  public: string;
}

export function keyPair(dir: string, name: string): KeyPair {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return { private: file, public: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
}

export interface Sshd {
  port: number;
  dir: string;
  hostKey: KeyPair;
  /** `[127.0.0.1]:PORT ssh-ed25519 …`: the known_hosts line of this server. */
  knownHostsLine: string;
  stop(): Promise<void>;
}

let privsepMadeByUs = false;
let running = 0;

/** Starts `sshd -D -e` on 127.0.0.1:<free port> with the given authorized_keys lines. */
export async function startSshd(authorizedKeys: string[]): Promise<Sshd> {
  const sshd = ensureSshd();
  const dir = tmpDir('sshd-');
  const hostKey = keyPair(dir, 'host_ed25519');
  fs.writeFileSync(path.join(dir, 'authorized_keys'), authorizedKeys.join('\n') + '\n', { mode: 0o600 });
  if (!fs.existsSync(PRIVSEP)) {
    fs.mkdirSync(PRIVSEP, { mode: 0o755 });
    privsepMadeByUs = true;
  }
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey.private}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'PrintMotd no',
    'LogLevel VERBOSE',
    // Lets a key set SHLVL (test/remote/ssh-world.ts sets SHLVL=1): nothing else from authorized_keys reaches the environment.
    'PermitUserEnvironment SHLVL',
    '',
  ].join('\n'));
  const child: ChildProcess = spawn(sshd, ['-D', '-e', '-f', config], {
    env: { LD_LIBRARY_PATH: LIBS, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running++;
  let log = '';
  child.stderr!.on('data', (c: Buffer) => { log = (log + c.toString()).slice(-20_000); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Ready when it accepts a connection.
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`sshd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    dir,
    hostKey,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.public.split(' ').slice(0, 2).join(' ')}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      if (--running === 0 && privsepMadeByUs) {
        fs.rmSync(PRIVSEP, { recursive: true, force: true });
        privsepMadeByUs = false;
      }
    },
  };
}
