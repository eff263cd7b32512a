import { describe, expect, it } from 'vitest';
import { parseCpuList, parseKhz, parseTimeInState, parseTransTable, parseWord, parseWords } from '../../src/probe/parse-sysfs-values.js';
import { kmsgRecordToDmesgLine, parseKernelLogLine, isRelevantKernelLine } from '../../src/probe/parse-kernel-log.js';
import { parseCpuinfo } from '../../src/probe/read-platform.js';
import { blacklistTokens } from '../../src/probe/read-dom0.js';
import { sample } from '../helpers.js';

describe('sysfs values', () => {
  it('placeholders and errors are absent with a reason, never thrown', () => {
    expect(parseKhz('<unknown>\n')).toEqual({ ok: false, reason: 'kernel reports <unknown>' });
    expect(parseWord('<unsupported>\n')).toEqual({ ok: false, reason: 'kernel reports <unsupported>' });
    expect(parseKhz('3401000 \n')).toEqual({ ok: true, value: 3401000 });
    expect(parseKhz('-1').ok).toBe(false);
    expect(parseWords('performance powersave \n')).toEqual({ ok: true, value: ['performance', 'powersave'] });
  });
  it('CPU lists', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual({ ok: true, value: [0, 1, 2, 3, 8, 10, 11] });
    expect(parseCpuList('\n')).toEqual({ ok: true, value: [] });
    expect(parseCpuList('3-1').ok).toBe(false);
  });
  it('stats/time_in_state (clock_t) and trans_table, from the kernel formats', () => {
    expect(parseTimeInState(sample('sysfs-cpufreq-stats-time_in_state.txt'))).toEqual({ ok: true, value: [
      { khz: 3401000, seconds: 12.34 }, { khz: 3400000, seconds: 0.88 }, { khz: 2800000, seconds: 0.12 }, { khz: 1200000, seconds: 9123.45 }] });
    const t = parseTransTable(sample('sysfs-cpufreq-stats-trans_table.txt'));
    expect(t.ok && t.value.frequenciesKhz).toEqual([3401000, 3400000, 2800000, 1200000]);
    expect(t.ok && t.value.counts[3]).toEqual([22, 3, 0, 0]);
  });
  it('cpuinfo: hypervisor flag of the first CPU', () => {
    expect(parseCpuinfo('processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme hypervisor lahf_lm\n\nprocessor\t: 1\n').hypervisorFlag).toBe(true);
    expect(parseCpuinfo('processor\t: 0\nflags\t\t: fpu vme\n').hypervisorFlag).toBe(false);
  });
  it('module blacklist tokens', () => {
    expect(blacklistTokens('ro quiet modprobe.blacklist=nouveau,xen_acpi_processor module_blacklist=xen-acpi-processor')).toEqual([
      'modprobe.blacklist=nouveau,xen_acpi_processor', 'module_blacklist=xen-acpi-processor']);
  });
});

describe('kernel log', () => {
  it('dmesg and journal forms of the same line', () => {
    const a = parseKernelLogLine('[    8.213701] xen_acpi_processor: Uploading Xen processor PM info');
    const b = parseKernelLogLine('Aug 21 22:28:19 host kernel: xen_acpi_processor: Uploading Xen processor PM info');
    expect(a).toMatchObject({ uptimeSeconds: 8.213701, message: 'xen_acpi_processor: Uploading Xen processor PM info' });
    expect(b).toMatchObject({ uptimeSeconds: null, message: 'xen_acpi_processor: Uploading Xen processor PM info' });
    expect(parseKernelLogLine('<4>[   12.5] xen_acpi_processor: (_PXX): Hypervisor error (-19) for ACPI CPU1\r')!.message).toBe('xen_acpi_processor: (_PXX): Hypervisor error (-19) for ACPI CPU1');
  });
  it('relevance filter keeps driver lines and drops noise', () => {
    for (const line of sample('dom0-dmesg-xen-acpi-processor.txt').split('\n').filter((l) => l && !l.startsWith('#'))) expect(isRelevantKernelLine(line)).toBe(true);
    expect(isRelevantKernelLine('[    1.0] usb 1-1: new high-speed USB device')).toBe(false);
  });
  it('/dev/kmsg records become dmesg lines', () => {
    expect(kmsgRecordToDmesgLine('6,339,5140900,-;xen_acpi_processor: Uploading Xen processor PM info\n SUBSYSTEM=cpu')).toBe('[    5.140900] xen_acpi_processor: Uploading Xen processor PM info');
    expect(kmsgRecordToDmesgLine('garbage')).toBeNull();
  });
});
