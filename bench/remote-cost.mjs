// What the remote path costs: the collector on an N-CPU host under dash, busybox sh and bash (wall, CPU,
// stream size), decoding and probing the stream, and one SSH connection with the OpenSSH client against
// the `ssh2` library (CPU, wall, memory). Needs a build (npm run build) and /usr/bin/time; the OpenSSH
// server is the one test/remote/sshd.ts unpacks into test/.tmp (run `npx vitest run test/remote/ssh.test.ts`
// once). The ssh2 comparison runs only when ssh2 is importable from $SSH2_DIR (e.g. `npm install --prefix
// /tmp/ssh2-bench ssh2`): it is not a dependency of the project.
// Usage: node bench/remote-cost.mjs [CPUS=64] [RUNS=5]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateFixture } from '../scripts/generate-fixture.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { decodeStream } = await import(path.join(REPO, 'dist/src/remote/stream-decoder.js'));
const { StreamHost } = await import(path.join(REPO, 'dist/src/remote/stream-host.js'));
const { probeHost } = await import(path.join(REPO, 'dist/src/probe/probe-host.js'));
const { diagnose } = await import(path.join(REPO, 'dist/src/diagnosis/diagnose.js'));

const CPUS = Number(process.argv[2] ?? 64);
const RUNS = Number(process.argv[3] ?? 5);
const COLLECTOR = path.join(REPO, 'collector/xen-pm-collect');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xpm-remote-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

// An N-CPU bare-metal host, and fake Xen tools that print real-format samples (test/samples) so that the
// collector's per-command cost is measured, not the tools'.
const root = path.join(tmp, 'host');
generateFixture(CPUS, root);
// The generator writes sysfs only; /proc/cpuinfo of a real N-CPU host is one block per CPU (a real one, repeated).
const block = fs.readFileSync(path.join(REPO, 'test/sysfs-fixtures/bare-metal-acpi-cpufreq-boost/proc/cpuinfo'), 'utf8').split('\n\n')[0];
fs.mkdirSync(path.join(root, 'proc'), { recursive: true });
fs.writeFileSync(path.join(root, 'proc/cpuinfo'), Array.from({ length: CPUS }, (_, i) => block.replace(/^processor\s*:.*$/m, `processor\t: ${i}`)).join('\n\n') + '\n\n');
const bin = path.join(tmp, 'bin');
fs.mkdirSync(bin);
const sample = (f) => path.join(REPO, 'test/samples', f);
const tool = (name, body) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
tool('xenpm', `case $1 in get-cpufreq-para) cat ${sample('xenpm-4.17-get-cpufreq-para.ondemand.stdout')};; get-cpufreq-states) cat ${sample('xenpm-4.4plus-get-cpufreq-states.stdout')};; get-cpuidle-states) cat ${sample('xenpm-4.14plus-get-cpuidle-states.stdout')};; *) cat ${sample('xenpm-get-cpu-topology.stdout')};; esac`);
tool('xl', `cat ${sample('xl-dmesg-cpufreq-excerpts.txt')}`);
tool('dmesg', `cat ${sample('dom0-dmesg-xen-acpi-processor.txt')}`);

const shells = { dash: ['/usr/bin/dash'], busybox: ['/usr/bin/busybox', 'sh'], bash: ['/usr/bin/bash'] };
const results = { cpus: CPUS, runs: RUNS, load: os.loadavg().map((l) => round(l, 1)), collector: {}, decode: null, ssh: {} };
let stream = null;
for (const [name, argv] of Object.entries(shells)) {
  const walls = [];
  const cpus = [];
  const rss = [];
  for (let i = 0; i < RUNS; i++) {
    const out = path.join(tmp, `stream-${name}`);
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', path.join(tmp, 'time'), ...argv, COLLECTOR, '--root', root], {
      env: { PATH: `${bin}:/usr/bin:/bin` }, stdio: ['ignore', fs.openSync(out, 'w'), 'pipe'],
    });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const [e, u, s, m] = fs.readFileSync(path.join(tmp, 'time'), 'utf8').trim().split(/\s+/).map(Number);
    walls.push(e);
    cpus.push(u + s);
    rss.push(m);
    stream = fs.readFileSync(out);
  }
  results.collector[name] = { wallSeconds: median(walls), cpuSeconds: round(median(cpus)), maxRssKiB: median(rss), streamBytes: stream.length };
}

// Decoding and probing the stream: what the exporter pays per collection.
{
  const times = [];
  let entries = 0;
  for (let i = 0; i < RUNS * 2; i++) {
    const t0 = performance.now();
    const d = decodeStream(stream);
    const t1 = performance.now();
    if (!d.ok) throw new Error(d.reason);
    entries = d.capture.entries;
    diagnose(await probeHost(new StreamHost('bench', d.capture)));
    times.push([t1 - t0, performance.now() - t1]);
  }
  results.decode = { entries, decodeMs: round(median(times.map((t) => t[0])), 1), probeAndDiagnoseMs: round(median(times.map((t) => t[1])), 1) };
}

// One SSH connection per collection: OpenSSH's client against the ssh2 library, on the same sshd, running a
// forced command that only prints the stream (so the transport is measured, not the collector).
const sshdRoot = path.join(REPO, 'test/.tmp/openssh-server/root');
if (fs.existsSync(path.join(sshdRoot, 'usr/sbin/sshd'))) {
  const dir = path.join(tmp, 'sshd');
  fs.mkdirSync(dir);
  const key = (n) => { execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, n)]); return path.join(dir, n); };
  const hostKey = key('host');
  const client = key('client');
  const streamFile = path.join(tmp, 'stream-dash');
  fs.writeFileSync(path.join(dir, 'authorized_keys'), `restrict,command="cat ${streamFile}" ${fs.readFileSync(`${client}.pub`, 'utf8')}`);
  const port = await new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  fs.writeFileSync(path.join(dir, 'config'), [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `PidFile ${dir}/pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'LogLevel ERROR', ''].join('\n'));
  const madePrivsep = !fs.existsSync('/run/sshd');
  if (madePrivsep) fs.mkdirSync('/run/sshd');
  const sshd = spawn(path.join(sshdRoot, 'usr/sbin/sshd'), ['-D', '-e', '-f', path.join(dir, 'config')], {
    env: { LD_LIBRARY_PATH: `${sshdRoot}/usr/lib/x86_64-linux-gnu` }, stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 1000));
  const known = path.join(dir, 'known_hosts');
  fs.writeFileSync(known, `[127.0.0.1]:${port} ${fs.readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  try {
    const walls = [];
    const cpus = [];
    const rss = [];
    for (let i = 0; i < RUNS * 2; i++) {
      const t0 = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', path.join(tmp, 'time'), 'ssh', '-F', '/dev/null', '-T', '-o', 'BatchMode=yes',
        '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${known}`, '-i', client, '-p', String(port), '127.0.0.1'], { maxBuffer: 1 << 28 });
      walls.push(performance.now() - t0);
      if (r.status !== 0 || r.stdout.length !== stream.length) throw new Error(`ssh: ${r.stderr}`);
      const [u, s, m] = fs.readFileSync(path.join(tmp, 'time'), 'utf8').trim().split(/\s+/).map(Number);
      cpus.push((u + s) * 1000);
      rss.push(m);
    }
    results.ssh.openssh = { wallMs: round(median(walls), 0), cpuMs: round(median(cpus), 0), maxRssKiB: median(rss), note: 'a separate process per connection; CPU of the ssh client' };
    const ssh2Dir = process.env.SSH2_DIR;
    if (ssh2Dir) {
      const { Client } = (await import(pathToFileURL(path.join(ssh2Dir, 'node_modules/ssh2/lib/index.js')).href)).default ?? await import(pathToFileURL(path.join(ssh2Dir, 'node_modules/ssh2/lib/index.js')).href);
      const privateKey = fs.readFileSync(client);
      const once = () => new Promise((resolve, reject) => {
        const c = new Client();
        let bytes = 0;
        c.on('ready', () => c.exec('', (err, ch) => {
          if (err) return reject(err);
          ch.on('data', (d) => { bytes += d.length; });
          ch.on('close', () => { c.end(); resolve(bytes); });
        })).on('error', reject).connect({ host: '127.0.0.1', port, username: 'root', privateKey });
      });
      await once();
      const walls2 = [];
      const cpus2 = [];
      const rss0 = process.memoryUsage().rss;
      for (let i = 0; i < RUNS * 2; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const bytes = await once();
        walls2.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpus2.push((c.user + c.system) / 1000);
        if (bytes !== stream.length) throw new Error('ssh2: short stream');
      }
      results.ssh.ssh2 = { wallMs: round(median(walls2), 0), cpuMs: round(median(cpus2), 0), rssGrowthKiB: Math.round((process.memoryUsage().rss - rss0) / 1024),
        note: 'in the exporter process: no host-key check unless hand-written, no ~/.ssh/config, ProxyJump or agent by default' };
    }
  } finally {
    sshd.kill('SIGTERM');
    await new Promise((r) => sshd.on('exit', r));
    if (madePrivsep) fs.rmSync('/run/sshd', { recursive: true, force: true });
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
