import { describe, expect, it } from 'vitest';
import { parseCpufreqPara } from '../../src/xenpm/parse-cpufreq-para.js';
import { sample } from '../helpers.js';

/** Real output published on a XenServer (Xen 4.4) article: labels padded to 20 columns, one off xenpm.c. */
const XENSERVER_PASTE = `cpu id              : 0
affected_cpus       : 0
cpuinfo frequency   : max [3401000] min [1600000] cur [3401000]
scaling_driver      : acpi-cpufreq
scaling_avail_gov   : userspace performance powersave ondemand
current_governor    : performance
scaling_avail_freq  : *3401000 3400000 3300000 3100000 3000000 2900000 2800000 2600000 2500000 2400000 2200000 2100000 2000000 1900000 1700000 1600000
scaling frequency   : max [3401000] min [1600000] cur [3401000]
turbo mode          : enabled
`;

/** Real Xen 3.4 output from a 2009 web page: whitespace collapsed, no indentation, empty driver. */
const XEN34_PASTE = `root@xenbro:~# xenpm get-cpufreq-para 0
cpu id : 0
affected_cpus : *0 1 2 3
cpuinfo frequency : max [2600000] min [800000] cur [800000]
scaling_driver :
scaling_avail_gov : userspace performance powersave ondemand
current_governor : ondemand
ondemand specific :
sampling_rate : max [10000000] min [10000] cur [20000]
up_threshold : 80
scaling_avail_freq : 2600000 1900000 1400000 *800000
scaling frequency : max [2600000] min [800000] cur [800000]`;

describe('xenpm get-cpufreq-para', () => {
  it('4.4–4.17 classic layout with the ondemand block (4.17 format strings)', () => {
    const r = parseCpufreqPara(sample('xenpm-4.17-get-cpufreq-para.ondemand.stdout'));
    expect(r.cpus).toHaveLength(4);
    const c = r.cpus[1]!;
    expect(c).toMatchObject({
      cpu: 1, affectedCpus: [1], cpuinfoMaxKhz: 3401000, cpuinfoMinKhz: 1200000, cpuinfoCurKhz: 1200000, driver: 'acpi-cpufreq',
      availableGovernors: ['userspace', 'performance', 'powersave', 'ondemand'], governor: 'ondemand',
      ondemandSamplingRateUs: { max: 10000000, min: 10000, cur: 20000 }, ondemandUpThreshold: 95,
      markedFrequencyKhz: 1200000, scalingMaxKhz: 3401000, scalingMinKhz: 1200000, scalingCurKhz: 1200000, turbo: 'enabled', cppc: null,
    });
    expect(c.availableFrequenciesKhz).toHaveLength(13);
    expect(c.availableFrequenciesKhz![0]).toBe(3401000);
    expect(r.messages).toEqual([]);
  });

  it('userspace block and "disabled or n/a" turbo', () => {
    const c = parseCpufreqPara(sample('xenpm-4.17-get-cpufreq-para.userspace-noturbo.stdout')).cpus[0]!;
    expect(c.governor).toBe('userspace');
    expect(c.userspaceSetspeedKhz).toBe(2600000);
    expect(c.turbo).toBe('disabled-or-na');
  });

  it('4.1 layout and 4.0 affected_cpus with *', () => {
    const r = parseCpufreqPara(sample('xenpm-4.1-get-cpufreq-para.ondemand.stdout'));
    expect(r.cpus.map((c) => c.affectedCpus)).toEqual([[0, 1], [0, 1]]);
    expect(parseCpufreqPara(XEN34_PASTE).cpus[0]!.affectedCpus).toEqual([0, 1, 2, 3]);
  });

  it('4.18 HWP: base/max wording and the cppc block before turbo', () => {
    const c = parseCpufreqPara(sample('xenpm-4.18-get-cpufreq-para.hwp.stdout')).cpus[0]!;
    expect(c).toMatchObject({ cpuinfoBaseKhz: 2100000, cpuinfoMaxKhz: 4800000, cpuinfoMinKhz: null, driver: 'hwp', governor: null, availableFrequenciesKhz: null, turbo: 'enabled' });
    expect(c.cppc).toEqual({ lowest: 1, lowestNonlinear: 8, nominal: 21, highest: 48, min: 1, max: 255, energyPerf: 128, activityWindow: '0 hardware selected', desired: 0 });
  });

  it('4.21 HWP: the cppc block after the blank line belongs to the preceding CPU', () => {
    const r = parseCpufreqPara(sample('xenpm-4.21-get-cpufreq-para.hwp.stdout'));
    expect(r.cpus.map((c) => [c.cpu, c.cppc?.highest, c.cppc?.energyPerf])).toEqual([[0, 48, 128], [1, 48, 128]]);
    expect(r.messages).toEqual([]);
  });

  it('4.21 amd-cppc (empty scaling_avail_freq) and amd-cppc-epp (no governor, base = lowest)', () => {
    const passive = parseCpufreqPara(sample('xenpm-4.21-get-cpufreq-para.amd-cppc.stdout')).cpus[0]!;
    expect(passive.driver).toBe('amd-cppc');
    expect(passive.availableFrequenciesKhz).toEqual([]);
    expect(passive.governor).toBe('ondemand');
    const epp = parseCpufreqPara(sample('xenpm-4.21-get-cpufreq-para.amd-cppc-epp.stdout')).cpus[0]!;
    expect(epp).toMatchObject({ driver: 'amd-cppc-epp', cpuinfoBaseKhz: 400000, cpuinfoMaxKhz: 4700000, governor: null, cppc: null });
  });

  it('real XenServer paste with 20-column padding', () => {
    const c = parseCpufreqPara(XENSERVER_PASTE).cpus[0]!;
    expect(c).toMatchObject({ cpu: 0, driver: 'acpi-cpufreq', governor: 'performance', markedFrequencyKhz: 3401000, turbo: 'enabled', scalingMaxKhz: 3401000 });
    expect(c.availableFrequenciesKhz).toHaveLength(16);
  });

  it('real Xen 3.4 paste with collapsed whitespace, an empty driver and a shell prompt line', () => {
    const r = parseCpufreqPara(XEN34_PASTE);
    expect(r.cpus[0]).toMatchObject({ driver: '', governor: 'ondemand', ondemandUpThreshold: 80, availableFrequenciesKhz: [2600000, 1900000, 1400000, 800000], markedFrequencyKhz: 800000, scalingCurKhz: 800000, turbo: null });
    expect(r.messages.map((m) => m.kind)).toEqual(['unrecognized']);
  });

  it('CRLF, tabs, non-breaking spaces and a cut-off last line', () => {
    const mangled = XENSERVER_PASTE.replace(/\n/g, '\r\n').replace('affected_cpus       :', 'affected_cpus\t:').replace('current_governor    :', 'current_governor\u00a0\u00a0:');
    const cut = mangled.slice(0, mangled.indexOf('scaling frequency') + 35);
    const c = parseCpufreqPara(cut).cpus[0]!;
    expect(c.affectedCpus).toEqual([0]);
    expect(c.governor).toBe('performance');
    expect(c.scalingMaxKhz).toBe(3401000);
    expect(c.scalingCurKhz).toBeNull();
    expect(c.turbo).toBeNull();
  });

  it('stderr interleaved into the pasted stdout is classified, not parsed as data', () => {
    const text = XENSERVER_PASTE.replace('scaling_driver', '[CPU1] failed to get cpufreq parameter\nscaling_driver');
    const r = parseCpufreqPara(text);
    expect(r.cpus[0]!.driver).toBe('acpi-cpufreq');
    expect(r.messages).toEqual([{ kind: 'cpu-failed', cpu: 1, what: 'cpufreq parameter', about: 'cpufreq-parameter', line: '[CPU1] failed to get cpufreq parameter' }]);
  });

  it('error texts on stderr: not uploaded, cpufreq disabled', () => {
    const nu = parseCpufreqPara('', sample('xenpm-get-cpufreq-para.not-uploaded.stderr'));
    expect(nu.cpus).toEqual([]);
    expect(nu.messages.map((m) => m.kind === 'cpu-failed' && m.cpu)).toEqual([0, 1, 2, 3]);
    expect(parseCpufreqPara('', sample('xenpm-get-cpufreq-para.cpufreq-disabled.stderr')).messages[0]!.kind).toBe('cpufreq-not-enabled');
  });
});
