import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/.tmp/**', 'test/sysfs-fixtures/**', 'test/xen/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The soak test forces garbage collection to measure what really stays allocated.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
