import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Every file starts the whole fleet as processes: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    reporters: reporters('@revoke/security-tests'),
    include: ['src/**/*.security.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
