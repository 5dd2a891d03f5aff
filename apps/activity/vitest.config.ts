import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Unit tests sit beside the code; tests that need Postgres or Redis end in `.int.test.ts`.
export default defineConfig({
  test: {
    reporters: reporters('@revoke/activity'),
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
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
