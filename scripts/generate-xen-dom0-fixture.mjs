// Generates a capture directory (docs/capture-format.md) of a Xen host with N physical CPUs and a PV dom0,
// for benchmarks of the remote path (bench/target-cost.mjs). Where each part comes from:
// - Everything a PV dom0 shows that does not depend on the CPU count (/sys/hypervisor, /proc/xen,
//   /proc/cmdline, /proc/modules, DMI, the ACPI tables, the xen_acpi_processor module, xl info's other
//   lines, the dom0 kernel log's own lines) is copied from the real capture
//   test/sysfs-fixtures/qemu-xen-4.17-pstates-uploaded (Xen 4.17.5, Linux 6.1 PV dom0, nothing edited there).
// - The dom0 has min(N, 16) vCPUs (XCP-ng's default dom0 cap): cpuK/online, cpuK/topology/*,
//   xen_cpu/xen_cpuK/online and one /proc/cpuinfo block per vCPU, each the real capture's CPU0 entry with
//   the number changed. No cpufreq and no cpuidle directory: a PV dom0 has neither.
// - xenpm's outputs are the per-CPU blocks of test/samples (written from xenpm.c's format strings) repeated
//   for N physical CPUs with the CPU number changed, which is what xenpm.c prints in its per-CPU loops:
//   get-cpufreq-para (xenpm-4.17-…ondemand), get-cpufreq-states (xenpm-4.4plus-…), get-cpuidle-states
//   (xenpm-4.14plus-…, its header once), get-cpu-topology (`CPU%d\t %d\t %d\t %d`, 2 threads per core,
//   32 cores per socket, one node per socket).
// - xl info: the real capture's, with nr_cpus, max_cpu_id, cores_per_socket, threads_per_core, nr_nodes
//   set for N. xl dmesg: test/samples/xl-dmesg-cpufreq-excerpts.txt (cpufreq=…,verbose): its header, its
//   per-CPU `Set CPU … initialization completed` block once per CPU, then its trailer without the HWP line
//   (this host runs acpi-cpufreq, as the xenpm samples say).
// - The dom0 kernel log: the real capture's, then the success lines of test/samples/dom0-dmesg-xen-acpi-processor.txt
//   (its "failure variants" left out): `Max ACPI ID` once, the per-CPU upload lines once per physical CPU,
//   since xen_acpi_processor uploads for every ACPI processor, not only the dom0's vCPUs.
// Usage: node scripts/generate-xen-dom0-fixture.mjs N OUTDIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASE = path.join(REPO, 'test/sysfs-fixtures/qemu-xen-4.17-pstates-uploaded');
const SAMPLES = path.join(REPO, 'test/samples');
/** XCP-ng's default dom0_max_vcpus cap. */
export const DOM0_VCPU_CAP = 16;

const sample = (f) => fs.readFileSync(path.join(SAMPLES, f), 'utf8');
/** The blank-line separated per-CPU blocks of a xenpm output (each starts with `cpu id`). */
const cpuBlocks = (text) => text.split(/\n\n/).filter((b) => b.startsWith('cpu id'));
const renumber = (block, cpu) => block.replace(/^(cpu id\s+: )\d+$/m, `$1${cpu}`).replace(/^(affected_cpus\s+: )\d+$/m, `$1${cpu}`);

export function generateXenDom0Fixture(n, out) {
  const vcpus = Math.min(n, DOM0_VCPU_CAP);
  // The real capture's files that do not depend on the CPU count (the CPU ones are written below).
  fs.cpSync(BASE, out, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = path.relative(BASE, src);
      return !/^(README\.md|capture\.json|expected-.*|commands|sys\/devices\/system\/(cpu|xen_cpu))$/.test(rel) && rel !== 'proc/cpuinfo';
    },
  });
  const w = (rel, text) => { const p = path.join(out, rel); fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); };
  const cpuDir = 'sys/devices/system/cpu';
  const list = vcpus === 1 ? '0\n' : `0-${vcpus - 1}\n`;
  for (const f of ['online', 'present', 'possible']) w(`${cpuDir}/${f}`, list);
  w(`${cpuDir}/offline`, '\n');
  const cpuinfo0 = fs.readFileSync(path.join(BASE, 'proc/cpuinfo'), 'utf8').split('\n\n')[0];
  const info = [];
  for (let i = 0; i < vcpus; i++) {
    if (i) w(`${cpuDir}/cpu${i}/online`, '1\n');
    // A PV dom0's vCPUs are each their own core in one package (what the real capture shows for its two).
    w(`${cpuDir}/cpu${i}/topology/core_id`, `${i}\n`);
    w(`${cpuDir}/cpu${i}/topology/physical_package_id`, '0\n');
    w(`${cpuDir}/cpu${i}/topology/thread_siblings_list`, `${i}\n`);
    if (i) w(`sys/devices/system/xen_cpu/xen_cpu${i}/online`, '1\n');
    info.push(cpuinfo0.replace(/^processor\t: \d+$/m, `processor\t: ${i}`).replace(/^siblings\t: \d+$/m, `siblings\t: ${vcpus}`)
      .replace(/^core id\t\t: \d+$/m, `core id\t\t: ${i}`).replace(/^cpu cores\t: \d+$/m, `cpu cores\t: ${vcpus}`));
  }
  w('proc/cpuinfo', info.join('\n\n') + '\n\n');

  const para = cpuBlocks(sample('xenpm-4.17-get-cpufreq-para.ondemand.stdout'));
  const states = cpuBlocks(sample('xenpm-4.4plus-get-cpufreq-states.stdout'));
  const idleText = sample('xenpm-4.14plus-get-cpuidle-states.stdout');
  const idleHeader = idleText.split('\n\n')[0];
  const idle = cpuBlocks(idleText);
  const perCpu = (blocks) => Array.from({ length: n }, (_, i) => renumber(blocks[i % blocks.length], i) + '\n').join('');
  const cmd = (name, stdout, stderr = '') => {
    w(`commands/${name}.stdout`, stdout);
    if (stderr) w(`commands/${name}.stderr`, stderr);
    w(`commands/${name}.exit`, '0\n');
  };
  cmd('xenpm-get-cpufreq-para', perCpu(para));
  cmd('xenpm-get-cpufreq-states', perCpu(states));
  cmd('xenpm-get-cpuidle-states', `${idleHeader}\n\n${perCpu(idle)}`);
  const coresPerSocket = 32;
  const sockets = Math.max(1, Math.ceil(n / (2 * coresPerSocket)));
  cmd('xenpm-get-cpu-topology', 'CPU\tcore\tsocket\tnode\n' + Array.from({ length: n }, (_, i) => {
    const socket = Math.floor(i / (2 * coresPerSocket));
    return `CPU${i}\t ${(i >> 1) % coresPerSocket}\t ${socket}\t ${socket}\n`;
  }).join(''));

  const read = (f) => fs.readFileSync(path.join(BASE, 'commands', f), 'utf8');
  const xlInfo = read('xl-info.stdout')
    .replace(/^(nr_cpus\s+: )\d+$/m, `$1${n}`).replace(/^(max_cpu_id\s+: )\d+$/m, `$1${n - 1}`)
    .replace(/^(nr_nodes\s+: )\d+$/m, `$1${sockets}`).replace(/^(cores_per_socket\s+: )\d+$/m, `$1${Math.min(coresPerSocket, Math.ceil(n / 2))}`)
    .replace(/^(threads_per_core\s+: )\d+$/m, `$1${n > 1 ? 2 : 1}`)
    .replace(/dom0_max_vcpus=\d+/, `dom0_max_vcpus=${vcpus}`);
  cmd('xl-info', xlInfo, read('xl-info.stderr'));

  const xl = sample('xl-dmesg-cpufreq-excerpts.txt').split('\n').filter((l) => l.startsWith('(XEN)'));
  const first = xl.findIndex((l) => l.includes('Set CPU acpi_id'));
  const last = xl.findIndex((l) => /CPU \d+ initialization completed/.test(l));
  const block = xl.slice(first, last + 1);
  const xlBlocks = [];
  for (let i = 0; i < n; i++) {
    for (const l of block) {
      xlBlocks.push(l.replace(/acpi_id\(\d+\) cpuid\(\d+\)/, `acpi_id(${i + 1}) cpuid(${i})`)
        .replace(/domain=\d+/, `domain=${i}`).replace(/CPU \d+ initialization/, `CPU ${i} initialization`));
    }
  }
  const trailer = xl.slice(last + 1).filter((l) => !l.includes('HWP'));
  cmd('xl-dmesg', [...xl.slice(0, first), ...xlBlocks, ...trailer].join('\n') + '\n', read('xl-dmesg.stderr'));

  const upload = sample('dom0-dmesg-xen-acpi-processor.txt').split('\n');
  const variants = upload.findIndex((l) => l.startsWith('# failure'));
  const lines = upload.slice(0, variants).filter((l) => l.startsWith('xen_acpi_processor:'));
  const head = lines.filter((l) => !/ACPI CPU\d|^\S+\s{2,}/.test(l));
  const perAcpi = lines.filter((l) => !head.includes(l));
  const log = read('dmesg.stdout').trimEnd().split('\n');
  const stamp = (k) => `[   33.${String(k).padStart(6, '0')}] `;
  let k = 0;
  log.push(...head.filter((l) => !l.includes('Uploading')).map((l) => stamp(k++) + l));
  for (let i = 0; i < n; i++) log.push(...perAcpi.map((l) => stamp(k++) + l.replace(/ACPI CPU\d+/, `ACPI CPU${i}`)));
  cmd('dmesg', log.join('\n') + '\n');
  return { cpus: n, vcpus };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, out] = process.argv.slice(2);
  if (!n || !out) { console.error('usage: generate-xen-dom0-fixture.mjs N OUTDIR'); process.exit(64); }
  if (fs.existsSync(out) && fs.readdirSync(out).length) { console.error(`${out} is not empty`); process.exit(1); }
  generateXenDom0Fixture(Number(n), out);
  console.log(`${n} physical CPUs, ${Math.min(Number(n), DOM0_VCPU_CAP)} dom0 vCPUs in ${out}`);
}
