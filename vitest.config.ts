import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/.tmp/**', 'test/sysfs-fixtures/**', 'test/xen/**'],
    // Private test tools on PATH, a scratch TMPDIR, and a check that the run enabled, started and
    // left behind nothing (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The soak test forces garbage collection to measure what really stays allocated.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
