import { describe, expect, it } from 'vitest';
import { parseCpufreqStates } from '../../src/xenpm/parse-cpufreq-states.js';
import { parseCpuidleStates } from '../../src/xenpm/parse-cpuidle-states.js';
import { parseCpuTopology } from '../../src/xenpm/parse-cpu-topology.js';
import { parseCpufreqAverage } from '../../src/xenpm/parse-cpufreq-average.js';
import { classifyStream } from '../../src/xenpm/parse-messages.js';
import { parseXlInfo } from '../../src/xenpm/parse-xl-info.js';
import { parseXlDmesg } from '../../src/xenpm/parse-xl-dmesg.js';
import { parseXenCommandLine, cpufreqDisabledByOption } from '../../src/xenpm/xen-command-line.js';
import { sample } from '../helpers.js';

describe('xenpm get-cpufreq-states', () => {
  it('4.2+ two-line layout with *P on the current state', () => {
    const r = parseCpufreqStates(sample('xenpm-4.4plus-get-cpufreq-states.stdout'));
    const c = r.cpus[0]!;
    expect(c).toMatchObject({ cpu: 0, totalPStates: 13, usablePStates: 13, currentMhz: 1200 });
    expect(c.states[0]).toEqual({ index: 0, current: false, freqMhz: 3401, transitions: 812, residencyMs: 45120 });
    expect(c.states[12]).toEqual({ index: 12, current: true, freqMhz: 1200, transitions: 811, residencyMs: 9123377 });
    expect(r.cpus[1]!.states[0]!.current).toBe(true);
  });
  it('_PPC-limited: usable < total', () => {
    const c = parseCpufreqStates(sample('xenpm-4.4plus-get-cpufreq-states.ppc-limited.stdout')).cpus[0]!;
    expect([c.totalPStates, c.usablePStates]).toEqual([13, 1]);
  });
  it('4.0/4.1 three-line zero-padded layout, including the P10 label pushed one column right', () => {
    const c = parseCpufreqStates(sample('xenpm-4.1-get-cpufreq-states.stdout')).cpus[0]!;
    expect(c.states[0]).toEqual({ index: 0, current: false, freqMhz: 3401, transitions: 812, residencyMs: 45120 });
    expect(c.states.find((s) => s.index === 10)).toMatchObject({ freqMhz: 1600, transitions: 0, residencyMs: 0 });
  });
  it('4.19+ error texts', () => {
    expect(parseCpufreqStates('', sample('xenpm-4.19plus-get-cpufreq-states.hwp.stderr')).messages[0]!.kind).toBe('pstate-info-unsupported');
    expect(parseCpufreqStates('', sample('xenpm-4.19plus-get-cpufreq-states.cpufreq-disabled.stderr')).messages[0]!.kind).toBe('cpufreq-disabled-or-unregistered');
  });
});

describe('xenpm get-cpuidle-states', () => {
  it('4.14+: All C-states allowed, pcN/ccN only when non-zero', () => {
    const r = parseCpuidleStates(sample('xenpm-4.14plus-get-cpuidle-states.stdout'));
    expect(r.header).toMatchObject({ allAllowed: true, maxCState: null });
    const c = r.cpus[0]!;
    expect(c).toMatchObject({ cpu: 0, totalCStates: 4, idleTimeMs: 8127035, packageResidencyMs: { 2: 81234, 6: 7012345 }, coreResidencyMs: { 3: 1234, 6: 8123456 } });
    expect(c.states[0]).toEqual({ index: 0, transitions: 115169, residencyMs: 412345 });
  });
  it('limits in every wording: Max C-state (≤4.1), Max possible C-state (4.2+)', () => {
    expect(parseCpuidleStates(sample('xenpm-4.1-get-cpuidle-states.stdout')).header.maxCState).toBe(7);
    expect(parseCpuidleStates(sample('xenpm-4.4-get-cpuidle-states.stdout')).header.maxCState).toBe(7);
    expect(parseCpuidleStates(sample('xenpm-4.14plus-get-cpuidle-states.max_cstate1.stdout')).header.maxCState).toBe(1);
  });
  it('4.1 zero-padded counters and fixed pc/cc lines', () => {
    const c = parseCpuidleStates(sample('xenpm-4.1-get-cpuidle-states.stdout')).cpus[0]!;
    expect(c.states[3]).toEqual({ index: 3, transitions: 99812, residencyMs: 8123456 });
    expect(c.packageResidencyMs).toEqual({ 3: 0, 6: 7012345, 7: 0 });
  });
  it('cpuidle disabled', () => {
    const r = parseCpuidleStates(sample('xenpm-4.14plus-get-cpuidle-states.cpuidle-disabled.stdout'), sample('xenpm-4.14plus-get-cpuidle-states.cpuidle-disabled.stderr'));
    expect(r.cpus).toEqual([]);
    expect(r.messages.map((m) => m.kind)).toEqual(['cpuidle-disabled-or-unregistered']);
  });
});

describe('other xenpm commands', () => {
  it('get-cpu-topology', () => {
    expect(parseCpuTopology(sample('xenpm-get-cpu-topology.stdout')).cpus[6]).toEqual({ cpu: 6, core: 1, socket: 1, node: 1 });
  });
  it('get-cpufreq-average', () => {
    expect(parseCpufreqAverage(sample('xenpm-4.7plus-get-cpufreq-average.stdout')).cpus.map((c) => c.averageKhz)).toEqual([2187000, 1200000, 3398000, 1199000]);
  });
});

describe('startup and tool errors', () => {
  it.each([
    ['xenpm-4.7plus-not-on-xen.stderr', ['no-privcmd', 'no-handler']],
    ['xenpm-4.7plus-non-root-dom0.stderr', ['no-privcmd', 'no-handler']],
    ['xenpm-4.0-4.6-not-on-xen.stderr', ['no-privcmd', 'no-handler']],
    ['xenpm-4.3plus-domU-root.stderr', ['physinfo-failed']],
    ['xenpm-4.3plus-tools-hypervisor-mismatch.stderr', ['physinfo-failed']],
    ['xenpm-4.3plus-bad-cpuid.stderr', ['usage-error']],
    ['xenpm-4.22-ambiguous-get.stderr', ['usage-error']],
    ['xenpm-start.both-disabled.stderr', ['both-disabled']],
  ])('%s', (file, kinds) => {
    expect(classifyStream(sample(file)).map((m) => m.kind)).toEqual(kinds);
  });
  it('tells missing privcmd from permission denied, domU from a tools/hypervisor mismatch', () => {
    expect(classifyStream(sample('xenpm-4.7plus-not-on-xen.stderr'))[0]).toMatchObject({ cause: 'missing' });
    expect(classifyStream(sample('xenpm-4.7plus-non-root-dom0.stderr'))[0]).toMatchObject({ cause: 'denied' });
    expect(classifyStream(sample('xenpm-4.3plus-domU-root.stderr'))[0]).toMatchObject({ errno: 1, cause: 'not-dom0' });
    expect(classifyStream(sample('xenpm-4.3plus-tools-hypervisor-mismatch.stderr'))[0]).toMatchObject({ errno: 13, cause: 'version-mismatch' });
  });
  it("Debian's wrapper off Xen (two spaces after ERROR:)", () => {
    expect(classifyStream("ERROR:  Can't find hypervisor information in sysfs!\n")[0]!.kind).toBe('no-hypervisor-sysfs');
  });
});

describe('xl and the Xen command line', () => {
  it('xl info fields', () => {
    const i = parseXlInfo('xen_major              : 4\nxen_minor              : 17\nxen_extra              : .7\nxen_version            : 4.17.7\nxen_commandline        : placeholder cpufreq=none\nnr_cpus                : 8\nmax_cpu_id             : 7\n');
    expect(i).toMatchObject({ xenVersion: '4.17.7', xenCommandline: 'placeholder cpufreq=none', nrCpus: 8, maxCpuId: 7 });
  });
  it('xl dmesg: uploads, _PPC, HWP, with and without timestamps', () => {
    const d = parseXlDmesg(sample('xl-dmesg-cpufreq-excerpts.txt'));
    expect(d).toMatchObject({ version: '4.17.3', commandLine: 'cpufreq=xen:performance,verbose dom0_mem=4096M,max:4096M', pxUploadCpus: [0], ppcValues: [0], hwpInUse: true, policyCreatedCpus: [0], verboseCpufreq: true });
    expect(parseXlDmesg('(XEN) [    9.120334] Set CPU acpi_id(3) cpu(2) Px State info:\r\n').pxUploadCpus).toEqual([2]);
  });
  it.each([
    ['cpufreq=none', ['none'], true],
    ['cpufreq=off', ['none'], true],
    ['cpufreq=dom0-kernel', ['dom0-kernel'], true],
    ['cpufreq=xen:ondemand,verbose', ['xen'], false],
    ['cpufreq=hwp;xen,verbose', ['hwp', 'xen'], false],
    ['cpufreq=amd-cppc:active', ['amd-cppc'], false],
    ['dom0_mem=1G', ['xen'], false],
  ])('%s', (cmd, modes, disabled) => {
    const o = parseXenCommandLine(`console=com1 ${cmd}`);
    expect(o.cpufreqModes).toEqual(modes);
    expect(cpufreqDisabledByOption(o)).toBe(disabled);
  });
});
