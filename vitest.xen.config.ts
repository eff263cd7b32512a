import { defineConfig } from 'vitest/config';

/** The real-Xen suite (npm run test:xen): slow, sequential, one QEMU at a time. */
export default defineConfig({
  test: {
    include: ['test/xen/**/*.test.ts'],
    testTimeout: 400_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
