import { defineConfig } from 'vitest/config';

/**
 * The real-Xen matrix (npm run test:xen): one file, every boot a concurrent test. QEMU's TCG runs a
 * guest CPU on one host thread, so XPM_XEN_PARALLEL (default 2) boots share the two cores.
 */
export default defineConfig({
  test: {
    include: ['test/xen/**/*.test.ts'],
    globalSetup: ['test/xen/global-setup.ts'],
    maxConcurrency: Math.max(1, Number(process.env.XPM_XEN_PARALLEL ?? 2)),
    testTimeout: 1_800_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
