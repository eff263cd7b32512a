import { describe, expect, it } from 'vitest';
import { decodeStream } from '../../src/remote/stream-decoder.js';
import { StreamHost } from '../../src/remote/stream-host.js';
import type { CommandSettings } from '../../src/probe/command-settings.js';

/** Streams written from docs/capture-stream.md, as the collector prints them. */
function hostWith(settings: Partial<CommandSettings>, ...lines: string[]): StreamHost {
  const entries = lines.filter((l) => /^[DFBECM] /.test(l)).length;
  const d = decodeStream(Buffer.from(['XPM-CAPTURE 1', ...lines, `END ${entries}`, ''].join('\n')));
  if (!d.ok) throw new Error(d.reason);
  return new StreamHost('ssh://test', d.capture, [], settings);
}
const host = (...lines: string[]) => hostWith({}, ...lines);

describe('a HostRoot over a stream answers like a capture directory', () => {
  const h = host(
    'D sys', 'D sys/devices', 'D sys/devices/system', 'D sys/devices/system/cpu', 'D sys/devices/system/cpu/cpu0', 'D sys/devices/system/cpu/cpu1',
    'F sys/devices/system/cpu/online', '|0-1', '|',
    'E sys/devices/system/cpu/cpufreq/policy1/affected_cpus busy head: error reading: Device or resource busy',
    'E sys/firmware/acpi/tables/DSDT denied head: cannot open: Permission denied',
    'E proc/cmdline not-a-file not a regular file',
  );

  it('reads files, and says missing for what the host does not have', () => {
    expect(h.readText('sys/devices/system/cpu/online')).toEqual({ ok: true, text: '0-1\n' });
    expect(h.readText('/sys/devices/system/cpu/./online')).toEqual({ ok: true, text: '0-1\n' });
    expect(h.readText('sys/devices/system/cpu/offline')).toMatchObject({ ok: false, kind: 'missing' });
    expect(h.readText('sys/devices/system/cpu/online/x')).toMatchObject({ ok: false, kind: 'missing' });
    expect(h.readText('sys/devices/system/cpu')).toMatchObject({ ok: false, kind: 'not-a-file' });
  });

  it('turns E entries into the read failure a directory gives', () => {
    expect(h.readText('sys/devices/system/cpu/cpufreq/policy1/affected_cpus')).toMatchObject({ ok: false, kind: 'busy' });
    expect(h.readBytes('sys/firmware/acpi/tables/DSDT', 100)).toMatchObject({ ok: false, kind: 'denied' });
    expect(h.readText('proc/cmdline')).toMatchObject({ ok: false, kind: 'not-a-file' });
    expect(h.exists('proc/cmdline')).toBe(true);
  });

  it('lists directories, implied ones included, and nothing for a file or a missing path', () => {
    expect(h.list('sys/devices/system/cpu')).toEqual({ ok: true, entries: ['cpu0', 'cpu1', 'cpufreq', 'online'] });
    expect(h.list('sys/devices/system/cpu/cpufreq')).toEqual({ ok: true, entries: ['policy1'] });
    expect(h.list('sys/devices/system/cpu/online')).toMatchObject({ ok: false, kind: 'missing' });
    expect(h.list('sys/module')).toMatchObject({ ok: false, kind: 'missing' });
    expect(h.exists('sys/devices/system/cpu/cpufreq/policy1')).toBe(true);
    expect(h.exists('sys/module')).toBe(false);
  });

  it('replays commands: missing is not captured, n is not installed, t is a timeout, output over the cap is truncated', async () => {
    const c = host('C xl-info /usr/sbin/xl', 'o xen_version : 4.17.3', 'o ', 'e warning', 'e ', 'x 0', 'C xenpm-get-cpufreq-para /usr/sbin/xenpm', 'n',
      'C xenpm-get-cpufreq-states /usr/sbin/xenpm', 't', 'C xl-dmesg /usr/sbin/xl', 'o (XEN) line', 'x 0');
    expect(await c.runCommand('xl-info')).toMatchObject({ available: true, stdout: 'xen_version : 4.17.3\n', stderr: 'warning\n', exitCode: 0, failure: null });
    expect(await c.runCommand('xenpm-get-cpufreq-para')).toMatchObject({ available: false, failure: 'not-found' });
    expect(await c.runCommand('xenpm-get-cpufreq-states')).toMatchObject({ available: true, timedOut: true, failure: 'timeout' });
    expect(await c.runCommand('xenpm-get-cpu-topology')).toMatchObject({ available: false, failure: 'not-captured' });
    const small = hostWith({ maxOutputBytes: 4 }, 'C xl-info xl', 'o 0123456789', 'x 0');
    expect(await small.runCommand('xl-info')).toMatchObject({ truncated: true, failure: 'truncated', stdout: '0123' });
  });

  it('the kernel log: dmesg when usable, the journal when the ring wrapped, dmesg with its error when neither serves', async () => {
    const wrapped = host('C dmesg /bin/dmesg', 'o [ 9000.1] late line', 'x 0', 'C dmesg /bin/journalctl', 'o Jan 01 00:00:01 h kernel: xen_acpi_processor: Uploading Xen processor PM info', 'x 0');
    const k = await wrapped.runCommand('dmesg');
    expect(k.origin).toMatch(/journalctl.*\(dmesg ring wrapped\)/);
    const fine = host('C dmesg /bin/dmesg', 'o [    0.000000] Linux version 6.1', 'o [    1.5] xen_acpi_processor: Uploading', 'x 0');
    expect((await fine.runCommand('dmesg')).origin).toMatch(/dmesg$/);
    const restricted = host('C dmesg /bin/dmesg', 'e dmesg: read kernel buffer failed: Operation not permitted', 'x 1', 'C dmesg /bin/journalctl', 'e No journal files were found.', 'x 1');
    expect((await restricted.runCommand('dmesg')).error).toMatch(/dmesg restricted/);
  });
});
