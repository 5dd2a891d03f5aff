import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

// Unit tests sit beside the code; the test that starts the whole stack as separate processes ends in
// `.int.test.ts` and runs as its own project.
export default defineConfig({
  test: {
    reporters: reporters('@revoke/stack'),
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
          // Three apps each opening a fresh embedded PGlite take tens of seconds on a small machine.
          testTimeout: 240_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
