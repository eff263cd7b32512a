import { defineConfig } from 'vitest/config';

/**
 * The real-Xen matrix (npm run test:xen): one test file per Debian release, each booting its scenarios
 * one after the other. XPM_XEN_PARALLEL (default 2) files run at once: QEMU's TCG is single-threaded,
 * so two releases share the two cores.
 */
const parallel = Math.max(1, Number(process.env.XPM_XEN_PARALLEL ?? 2));
export default defineConfig({
  test: {
    include: ['test/xen/**/*.test.ts'],
    globalSetup: ['test/xen/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: parallel > 1,
    maxWorkers: parallel,
    minWorkers: 1,
  },
});
