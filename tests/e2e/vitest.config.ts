import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Every file starts whole processes: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    reporters: reporters('@revoke/e2e'),
    include: ['src/**/*.int.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
