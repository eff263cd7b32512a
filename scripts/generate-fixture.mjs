// Generates a bare-metal capture with N CPUs and full P- and C-state data, in the kernel's own file
// formats (drivers/cpufreq/cpufreq.c, cpufreq_stats.c, drivers/cpuidle/sysfs.c): per CPU an
// acpi-cpufreq policy with 16 P-states, stats/time_in_state, total_trans and trans_table, and 4 cpuidle
// states. For the load test and `npm run bench`. Usage: node scripts/generate-fixture.mjs N OUTDIR
import fs from 'node:fs';
import path from 'node:path';

export function generateFixture(n, out) {
  const cpu = path.join(out, 'sys/devices/system/cpu');
  const w = (rel, text) => { const p = path.join(cpu, rel); fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); };
  const freqs = [3401000, 3400000, 3300000, 3100000, 3000000, 2900000, 2800000, 2600000, 2500000, 2400000, 2200000, 2100000, 2000000, 1900000, 1700000, 1600000];
  const list = `0-${n - 1}\n`;
  for (const f of ['online', 'present', 'possible']) w(f, list);
  w('offline', '\n');
  w('cpufreq/boost', '1\n');
  w('cpuidle/current_driver', 'intel_idle\n');
  w('cpuidle/current_governor', 'menu\n');
  const idle = [['POLL', 'CPUIDLE CORE POLL IDLE', 0, 0], ['C1', 'MWAIT 0x00', 2, 2], ['C1E', 'MWAIT 0x01', 10, 20], ['C6', 'MWAIT 0x20', 133, 400]];
  for (let i = 0; i < n; i++) {
    const p = `cpufreq/policy${i}`;
    const cur = freqs[(i * 7) % freqs.length];
    const files = {
      affected_cpus: `${i}\n`, related_cpus: `${i}\n`, cpuinfo_max_freq: '3401000\n', cpuinfo_min_freq: '1600000\n',
      cpuinfo_transition_latency: '10000\n', scaling_available_frequencies: freqs.join(' ') + ' \n',
      scaling_available_governors: 'conservative ondemand userspace powersave performance schedutil \n',
      scaling_cur_freq: `${cur}\n`, scaling_driver: 'acpi-cpufreq\n', scaling_governor: 'schedutil\n',
      scaling_max_freq: '3401000\n', scaling_min_freq: '1600000\n', scaling_setspeed: '<unsupported>\n', bios_limit: '3401000\n',
      'stats/time_in_state': freqs.map((f, k) => `${f} ${(i + 1) * (k + 3) * 1117}`).join('\n') + '\n',
      'stats/total_trans': `${(i + 1) * 331}\n`,
      'stats/trans_table': ['   From  :    To', `         : ${freqs.map((f) => String(f).padStart(9) + ' ').join('')}`,
        ...freqs.map((f, a) => `${String(f).padStart(9)}: ${freqs.map((_, b) => String(a === b ? 0 : (a + b + i) % 17).padStart(9) + ' ').join('')}`)].join('\n') + '\n',
    };
    for (const [k, v] of Object.entries(files)) w(`${p}/${k}`, v);
    fs.mkdirSync(path.join(cpu, `cpu${i}`), { recursive: true });
    fs.symlinkSync(`../cpufreq/policy${i}`, path.join(cpu, `cpu${i}/cpufreq`), 'dir');
    if (i) w(`cpu${i}/online`, '1\n');
    w(`cpu${i}/topology/core_id`, `${i >> 1}\n`);
    w(`cpu${i}/topology/physical_package_id`, `${Math.floor(i / 64)}\n`);
    w(`cpu${i}/topology/thread_siblings_list`, `${i & ~1}-${i | 1}\n`);
    idle.forEach(([name, desc, lat, res], k) => {
      const s = `cpu${i}/cpuidle/state${k}`;
      for (const [f, v] of Object.entries({ name, desc, latency: lat, residency: res, power: 0, usage: (i + 1) * (k + 1) * 977, time: (i + 1) * (k + 1) * 123457, rejected: 0, above: k * 3, below: k * 5, disable: 0, default_status: 'enabled' })) {
        w(`${s}/${f}`, `${v}\n`);
      }
    });
  }
  const proc = path.join(out, 'proc');
  fs.mkdirSync(proc, { recursive: true });
  fs.writeFileSync(path.join(proc, 'cpuinfo'), Array.from({ length: Math.min(n, 4) }, (_, i) => `processor\t: ${i}\nvendor_id\t: GenuineIntel\nmodel name\t: Generated ${n}-CPU host\nflags\t\t: fpu vme de pse tsc msr pae est\n`).join('\n'));
  fs.writeFileSync(path.join(proc, 'cmdline'), 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro\n');
  fs.mkdirSync(path.join(out, 'sys/module/acpi_cpufreq'), { recursive: true });
  fs.writeFileSync(path.join(out, 'sys/module/acpi_cpufreq/.keep'), '');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, out] = process.argv.slice(2);
  if (!n || !out) { console.error('usage: generate-fixture.mjs N OUTDIR'); process.exit(64); }
  if (fs.existsSync(out) && fs.readdirSync(out).length) { console.error(`${out} is not empty`); process.exit(1); }
  const t = performance.now();
  generateFixture(Number(n), out);
  console.log(`${n} CPUs in ${out} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
