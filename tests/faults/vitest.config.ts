import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Unit tests of the checker beside it; fault and soak tests start whole processes (one file at a time).
export default defineConfig({
  test: {
    reporters: reporters('@revoke/fault-tests'),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.fault.test.ts', 'src/**/*.soak.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['src/**/*.fault.test.ts', 'src/**/*.soak.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
