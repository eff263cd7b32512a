// What fleet mode costs the monitoring host: one exporter (`serve --targets --fleet.keep-active`) collecting N
// targets behind one real sshd whose forced command replays a 64-CPU host's capture stream with `cat` (so the
// exporter's side is measured, not the collector's, which runs on each dom0). For each run: the exporter's CPU
// per collection, its RSS, collections done, schedule delay; and how a dead target (nothing listens) and a
// hanging one (the forced command sleeps) affect the rest. Needs a build and the sshd test/remote/sshd.ts
// unpacks into test/.tmp (any `npm test` run). Writes bench/out/fleet-cost.json.
// Usage: node bench/fleet-cost.mjs [SECONDS=60] [TARGETS=1,50,200]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFixture } from '../scripts/generate-fixture.mjs';
import { generateXenDom0Fixture } from '../scripts/generate-xen-dom0-fixture.mjs';
import { collectorStream } from '../scripts/collector-stream.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.argv[2] ?? 60);
const SIZES = (process.argv[3] ?? '1,50,200').split(',').map(Number);
const INTERVAL_S = Number(process.env.XPM_BENCH_INTERVAL_S ?? 60);
const CPUS = 64;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xpm-fleet-bench-'));
const sshdRoot = path.join(REPO, 'test/.tmp/openssh-server/root');
if (!fs.existsSync(path.join(sshdRoot, 'usr/sbin/sshd'))) throw new Error('no unpacked sshd: run `npx vitest run test/remote/ssh.test.ts` once');
const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// The stream of a 64-CPU host: the collector run once, here, over a generated fixture. XPM_BENCH_HOST=dom0 (the
// default) is a Xen host of 64 CPUs with a PV dom0 of 16 vCPUs, as fleet mode meets them (XCP-ng); bare-metal is
// a 64-CPU host whose kernel has cpufreq statistics in sysfs (thousands of entries: the heaviest stream).
const HOST = process.env.XPM_BENCH_HOST ?? 'dom0';
const root = path.join(tmp, 'host');
const streamFile = path.join(tmp, 'stream');
if (HOST === 'dom0') {
  generateXenDom0Fixture(CPUS, root);
  fs.writeFileSync(streamFile, collectorStream(root, path.join(tmp, 'tools')));
} else {
  generateFixture(CPUS, root);
  fs.writeFileSync(streamFile, execFileSync('sh', [path.join(REPO, 'collector/xen-pm-collect'), '--root', root], { maxBuffer: 1 << 28 }));
}
const streamBytes = fs.statSync(streamFile).size;

const dir = path.join(tmp, 'sshd');
fs.mkdirSync(dir);
const key = (n) => { execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, n)]); return path.join(dir, n); };
const hostKey = key('host');
const client = key('client');
const hangClient = key('hang');
// environment="SHLVL=1" (allowed by PermitUserEnvironment below): bash sources ~/.bashrc when sshd runs it
// unless SHLVL says it is nested — and a developer's .bashrc (pyenv init, say) costs more than the collection.
fs.writeFileSync(path.join(dir, 'authorized_keys'), [
  `restrict,environment="SHLVL=1",command="cat ${streamFile}" ${fs.readFileSync(`${client}.pub`, 'utf8').trim()}`,
  `restrict,environment="SHLVL=1",command="echo $$ >> ${dir}/hang.pids; exec sleep 60" ${fs.readFileSync(`${hangClient}.pub`, 'utf8').trim()}`, ''].join('\n'));
const port = await freePort();
const deadPort = await freePort();
fs.writeFileSync(path.join(dir, 'config'), [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `PidFile ${dir}/pid`,
  `AuthorizedKeysFile ${dir}/authorized_keys`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'LogLevel ERROR',
  // Hundreds of connections open at the start: sshd's default (10:30:100) drops unauthenticated ones early.
  'MaxStartups 2000', 'PermitUserEnvironment SHLVL', ''].join('\n'));
const madePrivsep = !fs.existsSync('/run/sshd');
if (madePrivsep) fs.mkdirSync('/run/sshd');
const sshd = spawn(path.join(sshdRoot, 'usr/sbin/sshd'), ['-D', '-e', '-f', path.join(dir, 'config')], {
  env: { LD_LIBRARY_PATH: `${sshdRoot}/usr/lib/x86_64-linux-gnu` }, stdio: 'ignore',
});
await sleep(1000);
const known = path.join(dir, 'known_hosts');
fs.writeFileSync(known, `[127.0.0.1]:${port} ${fs.readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);

// utime + stime, and cutime + cstime: the OpenSSH transport's ssh processes are the exporter's children.
const ticks = (pid) => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); };
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const CLK_TCK = 100;

async function run(n, extra = { dead: 0, hang: 0 }, transport = 'builtin') {
  const targets = [];
  for (let i = 0; i < n; i++) targets.push(`  - { name: t${String(i).padStart(4, '0')}, destination: "root@127.0.0.1:${port}", identity_file: ${client} }`);
  for (let i = 0; i < extra.dead; i++) targets.push(`  - { name: dead${i}, destination: "root@127.0.0.1:${deadPort}", identity_file: ${client} }`);
  for (let i = 0; i < extra.hang; i++) targets.push(`  - { name: hang${i}, destination: "root@127.0.0.1:${port}", identity_file: ${hangClient} }`);
  const file = path.join(tmp, `targets-${n}.yml`);
  fs.writeFileSync(file, `defaults: { known_hosts: ${known}, interval: ${INTERVAL_S}s, timeout: ${INTERVAL_S}s, transport: ${transport} }\ntargets:\n${targets.join('\n')}\n`);
  const listen = `127.0.0.1:${await freePort()}`;
  // XPM_BENCH_NODE_ARGS: extra node flags for the exporter (e.g. --cpu-prof --cpu-prof-dir=DIR to see where its time goes).
  const nodeArgs = (process.env.XPM_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const ex = spawn(process.execPath, [...nodeArgs, path.join(REPO, 'dist/src/main.js'), 'serve', '--targets', file, '--fleet.keep-active', '--web.listen-address', listen, '--log.level', 'error'], { stdio: 'ignore' });
  const metrics = async () => (await (await fetch(`http://${listen}/metrics`)).text());
  const value = (text, re) => { const m = re.exec(text); return m ? Number(m[1]) : 0; };
  for (let i = 0; i < 100; i++) { try { await metrics(); break; } catch { await sleep(100); } }
  // Past the first round (connections opened), then measure a steady window.
  await sleep(INTERVAL_S * 1000 + 2000);
  const t0 = ticks(ex.pid);
  const m0 = await metrics();
  const ok0 = value(m0, /^xen_pm_fleet_collections_total\{result="ok"\} (\d+)/m);
  await sleep(SECONDS * 1000);
  const cpuS = (ticks(ex.pid) - t0) / CLK_TCK;
  const m1 = await metrics();
  const ok = value(m1, /^xen_pm_fleet_collections_total\{result="ok"\} (\d+)/m) - ok0;
  const rss = rssMb(ex.pid);
  // What is live on V8's heap (from the exporter's own metrics) next to RSS, which also holds garbage not yet collected.
  const heapMb = value(m1, /^nodejs_heap_size_used_bytes ([\d.e+]+)/m) / 1048576;
  const externalMb = value(m1, /^nodejs_external_memory_bytes ([\d.e+]+)/m) / 1048576;
  const delayCount = value(m1, /^xen_pm_fleet_schedule_delay_seconds_count (\d+)/m);
  const lateCount = delayCount - value(m1, /^xen_pm_fleet_schedule_delay_seconds_bucket\{le="1"\} (\d+)/m);
  const failed = [...m1.matchAll(/^xen_pm_fleet_collections_total\{result="(?!ok)([^"]+)"\} (\d+)/gm)].map((m) => `${m[1]}=${m[2]}`).join(' ');
  ex.kill('SIGTERM');
  await new Promise((r) => ex.on('exit', r));
  const expected = Math.floor(SECONDS / INTERVAL_S) * n;
  return {
    targets: n, ...extra, transport, seconds: SECONDS, intervalS: INTERVAL_S,
    collectionsOk: ok, expectedAtLeast: expected, cpuSeconds: round(cpuS, 2), cpuMsPerCollection: ok ? round((cpuS * 1000) / ok, 1) : null,
    rssMb: round(rss), heapUsedMb: round(heapMb), externalMb: round(externalMb), startedMoreThan1sLate: lateCount, failures: failed || 'none',
  };
}

const results = { date: new Date().toISOString(), hostKind: HOST, host: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`, loadavg: os.loadavg().map((x) => round(x, 2)), streamBytes, cpus: CPUS, runs: [] };
try {
  for (const n of SIZES) {
    results.runs.push(await run(n));
    console.log(JSON.stringify(results.runs.at(-1)));
  }
  // XPM_BENCH_EXTRA=0 skips the dead/hanging and OpenSSH comparisons (a quicker run of the sizes alone).
  if (process.env.XPM_BENCH_EXTRA !== '0') {
  results.runs.push(await run(20, { dead: 5, hang: 5 }));
  console.log(JSON.stringify(results.runs.at(-1)));
  results.runs.push(await run(20, { dead: 0, hang: 0 }, 'openssh'));
  console.log(JSON.stringify(results.runs.at(-1)));
  }
} finally {
  // The hanging forced commands are this bench's own processes: end them by their ids.
  for (const pid of fs.existsSync(path.join(dir, 'hang.pids')) ? fs.readFileSync(path.join(dir, 'hang.pids'), 'utf8').split('\n').filter(Boolean) : []) {
    try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
  }
  sshd.kill('SIGTERM');
  await new Promise((r) => sshd.on('exit', r));
  if (madePrivsep) fs.rmSync('/run/sshd', { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
}
fs.mkdirSync(path.join(REPO, 'bench/out'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'bench/out/fleet-cost.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote bench/out/fleet-cost.json (load average at start ${results.loadavg.join(' ')})`);
