import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLiveKernelLog } from '../../src/probe/live-kernel-log.js';
import { DEFAULT_COMMAND_SETTINGS } from '../../src/probe/command-settings.js';
import { parseInvocation } from '../../src/options.js';
import { tmpDir } from '../helpers.js';

/** Stand-ins for dmesg and journalctl, printing what the real ones print in each situation. */
function tool(dir: string, name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}
const JOURNAL = 'echo "Aug 21 22:28:19 dom0 kernel: xen_acpi_processor: Uploading Xen processor PM info"';
const settings = (dmesgPath: string, journalctlPath: string) => ({ ...DEFAULT_COMMAND_SETTINGS, dmesgPath, journalctlPath, timeoutMs: 2000 });

describe('live kernel log sources', () => {
  it('dmesg restricted (kernel.dmesg_restrict=1): falls back to journalctl -k -b', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(
      tool(d, 'dmesg', 'echo "dmesg: read kernel buffer failed: Operation not permitted" >&2; exit 1'),
      tool(d, 'journalctl', `[ "$1 $2 $3" = "-k -b --no-pager" ] || exit 9\n${JOURNAL}`),
    ));
    expect(r.available).toBe(true);
    expect(r.origin).toMatch(/journalctl -k -b .*\(dmesg restricted\)/);
    expect(r.stdout).toContain('xen_acpi_processor: Uploading Xen processor PM info');
  });
  it('ring wrapped past the boot messages: the journal has them', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(tool(d, 'dmesg', 'echo "[86400.000001] xen_acpi_processor: late line"'), tool(d, 'journalctl', JOURNAL)));
    expect(r.origin).toMatch(/\(dmesg ring wrapped\)/);
  });
  it('an unwrapped ring is read from dmesg itself', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(tool(d, 'dmesg', 'echo "[    0.000000] Linux version 6.1"; echo "[    6.7] xen_acpi_processor: Uploading Xen processor PM info"'), tool(d, 'journalctl', 'exit 1')));
    expect(r.origin).toBe(path.join(d, 'dmesg'));
    expect(r.linesSeen).toBe(2);
  });
  it('restricted and no journal: unavailable with both reasons, never a throw', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(
      tool(d, 'dmesg', 'echo "dmesg: read kernel buffer failed: Operation not permitted" >&2; exit 1'),
      path.join(d, 'no-journalctl'),
    ));
    expect(r.error).toMatch(/dmesg restricted/);
    expect(r.error).toMatch(/no-journalctl: command not found/);
  });
  it('a hanging dmesg is cut at the kernel-log deadline (--kernel-log.timeout), not the Xen tools\' one', async () => {
    const d = tmpDir('klog-');
    const inv = parseInvocation(['check', '--kernel-log.timeout', '1500ms', '--xenpm.timeout', '1m']);
    const s = inv.command === 'check' ? inv.host.settings : null;
    expect(s).toMatchObject({ logTimeoutMs: 1500, timeoutMs: 60_000 });
    const r = await readLiveKernelLog({ ...DEFAULT_COMMAND_SETTINGS, ...s, dmesgPath: tool(d, 'dmesg', 'exec sleep 30'), journalctlPath: tool(d, 'journalctl', 'exec sleep 30') });
    expect(r.failure).toBe('timeout');
    expect(r.error).toMatch(/killed after 1500 ms timeout/);
  });
});
