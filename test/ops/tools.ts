import path from 'node:path';

/**
 * Full path of a test tool unpacked by scripts/ensure-test-tools.sh (test/global-setup.ts puts its
 * directory in XEN_PM_TEST_TOOLS_BIN): the tests never fall back to a system-wide install.
 */
export function tool(name: 'prometheus' | 'promtool' | 'systemd-analyze' | 'jsonnet' | 'openssl' | 'systemd-socket-activate' | 'prometheus-node-exporter' | 'shellcheck' | 'ssh' | 'ssh-keygen' | 'dash' | 'busybox'): string {
  const bin = process.env['XEN_PM_TEST_TOOLS_BIN'];
  if (!bin) throw new Error('XEN_PM_TEST_TOOLS_BIN is not set: run the tests through vitest (test/global-setup.ts unpacks the tools)');
  return path.join(bin, name);
}

/** A file inside the unpacked packages (for a binary that must be started under another argv[0], like busybox as sh). */
export function toolFile(rel: string): string {
  const bin = process.env['XEN_PM_TEST_TOOLS_BIN'];
  if (!bin) throw new Error('XEN_PM_TEST_TOOLS_BIN is not set: run the tests through vitest (test/global-setup.ts unpacks the tools)');
  return path.join(bin, '..', 'root', rel);
}
