import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, reportFor, sample, tmpDir } from '../helpers.js';

/**
 * Situations once misread on real hosts (issue #12), each rebuilt from the tools' own format strings (the
 * samples in test/samples, the layouts of xenpm.c and the kernel's sysfs) — the corpus holds the real pastes.
 */
type Files = Record<string, string>;

function capture(files: Files, base?: string): string {
  const dir = tmpDir('situation-');
  if (base) fs.cpSync(path.join(FIXTURES, base), dir, { recursive: true, verbatimSymlinks: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const ids = (r: { findings: Array<{ id: string }> }) => r.findings.map((f) => f.id);

describe('situations misread before, read right now', () => {
  it('only odd CPUs fail get-cpufreq-para and nothing says an even one did: SMT siblings, never "no hand-off", never critical', async () => {
    const stderr = [1, 3, 5, 7].map((c) => `[CPU${c}] failed to get cpufreq parameter`).join('\n') + '\n';
    const r = await reportFor(capture({ 'commands/xenpm-get-cpufreq-para.stdout': '', 'commands/xenpm-get-cpufreq-para.stderr': stderr }));
    expect(r.platform.kind).toBe('xen-dom0');
    expect(r.pstates.handoff).not.toBe('no');
    expect(r.status).not.toBe('critical');
    expect(ids(r)).not.toContain('XEN_PSTATE_HANDOFF_MISSING');
    const f = r.findings.find((x) => x.id === 'XEN_PSTATE_HANDOFF_PARTIAL');
    expect(f?.severity).toBe('info');
    expect(f?.summary).toMatch(/SMT siblings/);
  });

  it('SMT siblings parked by smt=0 on a dom0 without xen_cpu online files: get-cpu-topology still lists them, xl info counts them offline, no partial hand-off', async () => {
    // The real Xen 4.20 capture, minus /sys/devices/system/xen_cpu/*/online (older dom0 kernels lack them).
    const dir = capture({}, 'qemu-xen-4.20-smt-siblings-parked');
    for (const d of fs.readdirSync(path.join(dir, 'sys/devices/system/xen_cpu'))) fs.rmSync(path.join(dir, 'sys/devices/system/xen_cpu', d, 'online'), { force: true });
    const r = await reportFor(dir);
    expect(r.status).toBe('ok');
    expect(ids(r)).not.toContain('XEN_PSTATE_HANDOFF_PARTIAL');
    expect(r.cpus.filter((c) => !c.online).map((c) => c.cpu)).toEqual([1, 3]);
  });

  it('a CPU Xen has no data for while more CPUs are online than answered: not proven offline, so still reported', async () => {
    const dir = capture({}, 'qemu-xen-4.20-smt-siblings-parked');
    for (const d of fs.readdirSync(path.join(dir, 'sys/devices/system/xen_cpu'))) fs.rmSync(path.join(dir, 'sys/devices/system/xen_cpu', d, 'online'), { force: true });
    const info = fs.readFileSync(path.join(dir, 'commands/xl-info.stdout'), 'utf8').replace(/^nr_cpus(\s+): 2$/m, 'nr_cpus$1: 4');
    fs.writeFileSync(path.join(dir, 'commands/xl-info.stdout'), info);
    const r = await reportFor(dir);
    expect(ids(r)).toContain('XEN_PSTATE_HANDOFF_PARTIAL');
  });

  it('xen_acpi_processor loaded by hand with off=1 although the command line blacklists it: the cause now is off=1, and the remedy fixes both', async () => {
    // The real Xen 4.20 off=1 capture, its dom0 command line given a blacklist token as well.
    const withCmdline = (extra: string) => {
      const dir = capture({}, 'qemu-xen-4.20-module-off');
      const cmdline = fs.readFileSync(path.join(dir, 'proc/cmdline'), 'utf8').replace(/\s*modprobe\.blacklist=\S+/g, '').trim();
      fs.writeFileSync(path.join(dir, 'proc/cmdline'), `${cmdline}${extra}\n`);
      return dir;
    };
    const both = (await reportFor(withCmdline(' modprobe.blacklist=xen_acpi_processor'))).findings.find((f) => f.id === 'XEN_PSTATE_HANDOFF_MISSING')!;
    expect(both.summary).toMatch(/loaded with off=1/);
    expect(both.remedy).toMatch(/^xen_acpi_processor is loaded with off=1: remove the option/);
    expect(both.remedy).toMatch(/Also remove modprobe\.blacklist=xen_acpi_processor from the dom0 kernel command line .*next boot/);
    const offOnly = (await reportFor(withCmdline(''))).findings.find((f) => f.id === 'XEN_PSTATE_HANDOFF_MISSING')!;
    expect(offOnly.remedy).toMatch(/loaded with off=1/);
    expect(offOnly.remedy).not.toMatch(/blacklist/);
  });

  it('xenpm and xl cannot open the privileged interface (permission denied, non-zero exit): failed sources, quoted', async () => {
    const denied = sample('xenpm-4.7plus-non-root-dom0.stderr');
    const files: Files = {};
    for (const n of ['xenpm-get-cpufreq-para', 'xenpm-get-cpufreq-states', 'xenpm-get-cpuidle-states', 'xenpm-get-cpu-topology']) {
      files[`commands/${n}.stdout`] = '';
      files[`commands/${n}.stderr`] = denied;
      files[`commands/${n}.exit`] = '5\n';
    }
    files['commands/xl-info.stdout'] = '';
    files['commands/xl-info.stderr'] = denied.split('\n')[0] + '\nlibxl: error: libxl.c:102:libxl_ctx_alloc: cannot open libxc handle: Permission denied\n';
    files['commands/xl-info.exit'] = '1\n';
    const r = await reportFor(capture(files));
    expect(r.sources.filter((s) => /^(xenpm|xl)-/.test(s.source)).every((s) => !s.ok)).toBe(true);
    const tools = r.findings.find((x) => x.id === 'XEN_TOOLS_UNAVAILABLE');
    expect(tools?.evidence.join('\n')).toMatch(/Could not obtain handle on privileged command interface/);
    expect(r.findings.find((x) => x.id === 'PROBE_FAILED')?.evidence.join('\n')).toMatch(/xl-info.*exit 1: .*privileged command interface/);
    expect(r.status).not.toBe('ok');
  });

  it('cpuinfo frequency : base [..] turbo [..] (HWP before 4.18): turbo is the maximum', async () => {
    const para = 'cpu id               : 0\naffected_cpus        : 0\ncpuinfo frequency    : base [2500000] turbo [3000000]\nscaling_driver       : hwp-cpufreq\n';
    const r = await reportFor(capture({ 'commands/xenpm-get-cpufreq-para.stdout': para }));
    expect(r.pstates.maxHz).toBe(3_000_000_000);
    expect(r.cpus[0]!.maxHz).toBe(3_000_000_000);
  });

  it('acpi-cpufreq under powersave with a known table is pinned low even when cpuinfo_max_freq is unreadable', async () => {
    const dir = capture({}, 'bare-metal-acpi-cpufreq-boost');
    for (const p of fs.readdirSync(path.join(dir, 'sys/devices/system/cpu/cpufreq')).filter((n) => /^policy\d+$/.test(n))) {
      const pol = path.join(dir, 'sys/devices/system/cpu/cpufreq', p);
      fs.writeFileSync(path.join(pol, 'scaling_governor'), 'powersave\n');
      fs.rmSync(path.join(pol, 'cpuinfo_max_freq'), { force: true });
      fs.rmSync(path.join(pol, 'cpuinfo_min_freq'), { force: true });
    }
    const r = await reportFor(dir);
    expect(ids(r)).toContain('GOVERNOR_PINNED_LOW');
  });

  it('a cpuidle state disabled in the kernel limits C-states whatever the platform', async () => {
    const state = 'sys/devices/system/cpu/cpu0/cpuidle/state2';
    for (const base of ['xen-dom0-with-xen-acpi-processor', undefined]) {
      const r = await reportFor(capture({ [`${state}/name`]: 'C6\n', [`${state}/disable`]: '1\n', [`${state}/time`]: '10\n', [`${state}/usage`]: '3\n', 'sys/devices/system/cpu/cpu0/online': '1\n' }, base));
      const f = r.findings.find((x) => x.id === 'CSTATES_LIMITED');
      expect(f?.evidence.join('\n'), base ?? 'unknown platform').toMatch(/cpuidle C6 disabled on CPUs 0/);
    }
  });

  it('bios_limit at the top of the table, with boost on and cpuinfo_max_freq above it (AMD), is no cap', async () => {
    const dir = capture({}, 'bare-metal-acpi-cpufreq-boost');
    const cpufreq = path.join(dir, 'sys/devices/system/cpu/cpufreq');
    for (const p of fs.readdirSync(cpufreq).filter((n) => /^policy\d+$/.test(n))) {
      const pol = path.join(cpufreq, p);
      const table = fs.readFileSync(path.join(pol, 'scaling_available_frequencies'), 'utf8').trim().split(/\s+/).map(Number);
      const top = Math.max(...table);
      fs.writeFileSync(path.join(pol, 'bios_limit'), `${top}\n`);
      fs.writeFileSync(path.join(pol, 'cpuinfo_max_freq'), `${top + 600000}\n`);
      fs.writeFileSync(path.join(pol, 'scaling_max_freq'), `${top + 600000}\n`);
    }
    fs.writeFileSync(path.join(cpufreq, 'boost'), '1\n');
    const r = await reportFor(dir);
    expect(ids(r)).not.toContain('PSTATES_CAPPED');
    // A real cap, below the top entry, still is one.
    fs.writeFileSync(path.join(cpufreq, 'policy0/bios_limit'), '1600000\n');
    expect(ids(await reportFor(dir))).toContain('PSTATES_CAPPED');
  });

  it('"Either Xen cpufreq is disabled or no valid information is registered!": Xen is not scaling, both causes said', async () => {
    const r = await reportFor(capture({
      'commands/xenpm-get-cpufreq-para.stdout': '',
      'commands/xenpm-get-cpufreq-para.stderr': sample('xenpm-4.19plus-get-cpufreq-states.cpufreq-disabled.stderr'),
    }));
    expect(r.platform.kind).toBe('xen-dom0');
    expect(r.status).toBe('warning');
    const f = r.findings.find((x) => x.id === 'XEN_NOT_SCALING');
    expect(f?.remedy).toMatch(/cpufreq=none/);
    expect(f?.remedy).toMatch(/xen_acpi_processor/);
    expect(r.pstates.controller).toBe('none');
  });
});
