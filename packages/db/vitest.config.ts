import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Unit tests sit beside the code; tests that need a real Postgres end in `.int.test.ts` and run as
// their own project. Each integration file makes (and drops) its own database, so files may run
// in parallel.
export default defineConfig({
  test: {
    reporters: reporters('@revoke/db'),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.int.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
