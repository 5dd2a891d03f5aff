import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// One private Redis Cluster and whole processes per file: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    reporters: reporters('@revoke/cluster-tests'),
    include: ['src/**/*.int.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
