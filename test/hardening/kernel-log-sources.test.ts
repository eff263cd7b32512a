import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLiveKernelLog } from '../../src/probe/live-kernel-log.js';
import { DEFAULT_COMMAND_SETTINGS } from '../../src/probe/command-settings.js';
import { isRelevantKernelLine } from '../../src/probe/parse-kernel-log.js';
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
    ), { lineFilter: isRelevantKernelLine });
    expect(r.available).toBe(true);
    expect(r.origin).toMatch(/journalctl -k -b .*\(dmesg restricted\)/);
    expect(r.stdout).toContain('xen_acpi_processor: Uploading Xen processor PM info');
  });
  it('ring wrapped past the boot messages: the journal has them', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(tool(d, 'dmesg', 'echo "[86400.000001] xen_acpi_processor: late line"'), tool(d, 'journalctl', JOURNAL)), { lineFilter: isRelevantKernelLine });
    expect(r.origin).toMatch(/\(dmesg ring wrapped\)/);
  });
  it('an unwrapped ring is read from dmesg itself', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(tool(d, 'dmesg', 'echo "[    0.000000] Linux version 6.1"; echo "[    6.7] xen_acpi_processor: Uploading Xen processor PM info"'), tool(d, 'journalctl', 'exit 1')), { lineFilter: isRelevantKernelLine });
    expect(r.origin).toBe(path.join(d, 'dmesg'));
    expect(r.linesSeen).toBe(2);
  });
  it('restricted and no journal: unavailable with both reasons, never a throw', async () => {
    const d = tmpDir('klog-');
    const r = await readLiveKernelLog(settings(
      tool(d, 'dmesg', 'echo "dmesg: read kernel buffer failed: Operation not permitted" >&2; exit 1'),
      path.join(d, 'no-journalctl'),
    ), { lineFilter: isRelevantKernelLine });
    expect(r.error).toMatch(/dmesg restricted/);
    expect(r.error).toMatch(/no-journalctl: command not found/);
  });
});
