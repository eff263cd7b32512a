import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Redactor } from '../../src/cli/redact.js';
import { runCapture } from '../../src/cli/capture.js';
import type { Report } from '../../src/diagnosis/report.js';
import { FIXTURES, REPO, fixtureNames, reportFor, tmpDir } from '../helpers.js';

const BIN = path.join(REPO, 'dist/src/main.js');
const CORPUS = path.join(REPO, 'test/corpus');

/** What must survive redaction: the diagnosis itself. */
const gist = (r: Report) => ({
  status: r.status,
  handoff: r.pstates.handoff,
  controller: r.pstates.controller,
  platform: r.platform.kind,
  findings: r.findings.map((f) => `${f.severity} ${f.id}`),
});

/** `capture --root SRC --out OUT --redact`, in process (its printout swallowed). */
async function redactedCopy(src: string): Promise<string> {
  const out = path.join(tmpDir('redacted-'), 'capture');
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await runCapture({ root: src, commands: 'auto', settings: {} }, out, { redact: true })).toBe(0);
  } finally {
    write.mockRestore();
  }
  return out;
}

afterEach(() => { vi.restoreAllMocks(); });

describe('capture --redact keeps the diagnosis', () => {
  const corpus = fs.readdirSync(CORPUS).filter((n) => fs.existsSync(path.join(CORPUS, n, 'expected.json')));
  it.each([...fixtureNames().map((n) => path.join(FIXTURES, n)), ...corpus.map((n) => path.join(CORPUS, n))].map((p) => [path.relative(REPO, p), p]))(
    '%s: same status, findings and hand-off',
    async (_name, dir) => {
      const original = await reportFor(dir);
      const redacted = await reportFor(await redactedCopy(dir));
      expect(gist(redacted)).toEqual(gist(original));
    },
  );
});

describe('capture --redact removes what identifies the host', () => {
  /**
   * A real fixture (xen-dom0-with-xen-acpi-processor) given a name and a network: the kernel's `ip=` option in
   * its nfsroot.rst format, PXELINUX's BOOTIF, a root UUID, a journal-format log line (`journalctl -o short`),
   * xl info's host line (tools/xl/xl_info.c) and capture.json's hostname.
   */
  function namedHost(): string {
    const root = tmpDir('named-host-');
    fs.cpSync(path.join(FIXTURES, 'xen-dom0-with-xen-acpi-processor'), root, { recursive: true });
    const cmdline = 'root=UUID=3f0e0b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b ro ip=192.168.10.17::192.168.10.1:255.255.255.0:dom0-17:eth0:off BOOTIF=01-3c-97-0e-12-34-56 resume=PARTUUID=9d1c77aa-02 console=hvc0';
    fs.writeFileSync(path.join(root, 'proc/cmdline'), `${cmdline}\n`);
    fs.writeFileSync(path.join(root, 'capture.json'), JSON.stringify({ formatVersion: 1, hostname: 'dom0-17.example.org' }));
    const log = path.join(root, 'commands/dmesg.stdout');
    fs.writeFileSync(log, fs.readFileSync(log, 'utf8').replace(/Command line: .*/, `Command line: ${cmdline}`)
      + 'Dec 01 12:00:00 dom0-17 kernel: xen_acpi_processor: Uploading Xen processor PM info\n');
    const info = path.join(root, 'commands/xl-info.stdout');
    fs.writeFileSync(info, fs.readFileSync(info, 'utf8').replace(/^host(\s*):.*$/m, 'host$1: dom0-17'));
    return root;
  }
  const SECRETS = ['dom0-17', 'example.org', '192.168.10', '255.255.255.0', '3f0e0b4e', '9d1c77aa', '3c-97-0e'];

  function everything(dir: string): string {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'latin1'))
      .join('\n');
  }

  it('no name, address or disk id is left; each value has one placeholder everywhere; the diagnosis stands', async () => {
    const src = namedHost();
    expect(SECRETS.filter((s) => everything(src).includes(s))).toEqual(SECRETS);
    const out = await redactedCopy(src);
    const all = everything(out);
    expect([...SECRETS, '3c:97:0e'].filter((s) => all.toLowerCase().includes(s))).toEqual([]);
    const cmdline = fs.readFileSync(path.join(out, 'proc/cmdline'), 'utf8');
    expect(cmdline).toBe('root=REDACTED-ROOT-1 ro ip=192.0.2.1::192.0.2.2:192.0.2.3:redacted-host-2:eth0:off BOOTIF=01-02-00-00-00-00-01 resume=PARTUUID=REDACTED-UUID-1 console=hvc0\n');
    // The same values in the kernel log got the same placeholders.
    expect(fs.readFileSync(path.join(out, 'commands/dmesg.stdout'), 'utf8')).toContain(`Command line: ${cmdline.trim()}`);
    expect(fs.readFileSync(path.join(out, 'commands/dmesg.stdout'), 'utf8')).toContain('Dec 01 12:00:00 redacted-host-2 kernel: xen_acpi_processor');
    expect(fs.readFileSync(path.join(out, 'commands/xl-info.stdout'), 'utf8')).toMatch(/^host\s*: redacted-host-2$/m);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'capture.json'), 'utf8')).hostname).toBe('redacted-host-1');
    expect(gist(await reportFor(out))).toEqual(gist(await reportFor(src)));
  });

  it('the command prints what the capture holds before writing it, and what --redact replaced', () => {
    const src = namedHost();
    const plain = spawnSync(process.execPath, [BIN, 'capture', '--root', src, '--out', path.join(tmpDir('cap-'), 'c')], { encoding: 'utf8' });
    expect(plain.status, plain.stderr).toBe(0);
    for (const label of ['host name', 'kernel command line', 'DMI', 'serial numbers', 'ACPI tables', 'kernel log', 'command outputs']) {
      expect(plain.stdout).toMatch(new RegExp(`^  ${label} +\\S`, 'm'));
    }
    expect(plain.stdout).toMatch(/^ {2}host name +dom0-17\.example\.org$/m);
    expect(plain.stdout).toMatch(/^ {2}kernel log +7 line\(s\) kept by the filter/m);
    expect(plain.stdout).toMatch(/^Not redacted: .*--redact/m);
    expect(plain.stdout.indexOf('The capture holds')).toBeLessThan(plain.stdout.indexOf('wrote '));
    const red = spawnSync(process.execPath, [BIN, 'capture', '--redact', '--root', src, '--out', path.join(tmpDir('cap-'), 'c')], { encoding: 'utf8' });
    expect(red.status, red.stderr).toBe(0);
    expect(SECRETS.filter((s) => red.stdout.includes(s))).toEqual([]);
    expect(red.stdout).toMatch(/^Redacted: 2 host names, 1 MAC address, 3 IPv4 addresses, 1 root= value, 1 UUID= value\.$/m);
  });

  it('--redact over --ssh is refused with the way round it, before anything connects', () => {
    const r = spawnSync(process.execPath, [BIN, 'capture', '--redact', '--ssh', 'root@192.0.2.1', '--out', path.join(tmpDir('cap-'), 'c')], { encoding: 'utf8' });
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/--redact does not apply to --ssh yet: .*capture --root DIR --redact/);
  });
});

describe('the redactor', () => {
  it('addresses: MAC, IPv4, IPv6 replaced; versions, PCI addresses, times, CPU-id words and loopback kept', () => {
    const r = new Redactor([]);
    const keep = [
      'Xen version: 4.17.3 (preserve-AD)', 'xen_version : 4.17.5-pre', '0000:00:1f.3 PCI bridge', '[   12.345678] at 12:34:56',
      'std::map<int>', 'loopback ::1 and 127.0.0.1 and 0.0.0.0:2024', 'hw_caps : 178bfbff:f6d8320b:2e500800:244003f7:0000000f',
      'cpufreq=xen:ondemand,verbose', 'version 1.2.3.4.5', 'P0 [3401 MHz]: transition [               123]',
    ];
    for (const t of keep) expect(r.text(t), t).toBe(t);
    expect(r.counts()).toEqual([]);
    expect(r.text('eth0: 3C:97:0E:12:34:56 and 3c-97-0e-12-34-56, then 00:16:3e:aa:bb:cc'))
      .toBe('eth0: 02:00:00:00:00:01 and 02:00:00:00:00:01, then 02:00:00:00:00:02');
    expect(r.text('addr 10.1.2.3/24 via 10.1.2.1, again 10.1.2.3.')).toBe('addr 192.0.2.1/24 via 192.0.2.2, again 192.0.2.1.');
    expect(r.text('inet6 fe80::5054:ff:fe12:3456/64 and 2001:0db8:85a3:0000:0000:8a2e:0370:7334'))
      .toBe('inet6 2001:db8::1/64 and 2001:db8::2');
  });

  it('command lines: root= and UUID= values, whatever they are', () => {
    const r = new Redactor([]);
    expect(r.text('BOOT_IMAGE=/vmlinuz root=/dev/mapper/vg-root ro rd.lvm.lv=vg/root UUID=abcd resume=UUID=ef01'))
      .toBe('BOOT_IMAGE=/vmlinuz root=REDACTED-ROOT-1 ro rd.lvm.lv=vg/root UUID=REDACTED-UUID-1 resume=UUID=REDACTED-UUID-2');
  });

  it('host names: a distinctive one wherever it stands as a name; a common word only where it names the host', () => {
    const r = new Redactor(['atlas-7.lab.example', null, '(none)']);
    expect(r.names).toEqual(['atlas-7.lab.example', 'atlas-7']);
    expect(r.text('ssh atlas-7 and atlas-7.lab.example; atlas-70 and /srv/atlas-7x stay'))
      // Numbered as met; the full name is tried before its short form.
      .toBe('ssh redacted-host-2 and redacted-host-1; atlas-70 and /srv/atlas-7x stay');
    const x = new Redactor(['xen']);
    const log = 'Dec 01 12:00:00 xen kernel: Booting kernel on xen\nhost                   : xen\nHypervisor detected: xen';
    expect(x.text(log)).toBe('Dec 01 12:00:00 redacted-host-1 kernel: Booting kernel on xen\nhost                   : redacted-host-1\nHypervisor detected: xen');
  });

  it('whole files: DMI serials, asset tags and the product UUID; the kernel hostname file', () => {
    const r = new Redactor(['h1']);
    expect(r.file('sys/class/dmi/id/product_serial', 'CZJ1234ABC\n')).toBe('REDACTED-SERIAL-1\n');
    expect(r.file('sys/class/dmi/id/board_serial', '.7XYZ12.CN1234\n')).toBe('REDACTED-SERIAL-2\n');
    expect(r.file('sys/class/dmi/id/chassis_asset_tag', 'ASSET-0042\n')).toBe('REDACTED-SERIAL-3\n');
    expect(r.file('sys/class/dmi/id/product_uuid', '4c4c4544-0042-3510-8051-b4c04f564e32\n')).toBe('REDACTED-SERIAL-4\n');
    expect(r.file('sys/class/dmi/id/product_serial', 'CZJ1234ABC\n')).toBe('REDACTED-SERIAL-1\n');
    expect(r.file('sys/class/dmi/id/sys_vendor', 'Dell Inc.\n')).toBe('Dell Inc.\n');
    expect(r.file('proc/sys/kernel/hostname', 'h1\n')).toBe('redacted-host-1\n');
  });
});
