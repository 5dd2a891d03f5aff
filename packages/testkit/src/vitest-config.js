// Plain JavaScript on purpose: vitest loads each package's config with Node itself, and Node 20
// cannot import a TypeScript file from another package. Types are in `vitest-config.d.ts`.
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Reporters for a package: when TEST_REPORT_DIR is set (as `.ci/run` does), each package also writes
 * a JSON report there, which `.ci/count-tests.mjs` adds up.
 */
export function reporters(packageName) {
  const dir = process.env.TEST_REPORT_DIR;
  if (!dir) return ['default'];
  return ['default', ['json', { outputFile: join(dir, `${packageName.replace(/[@/]/g, '_')}.json`) }]];
}

/**
 * Two projects: `unit` (files ending in `.test.ts` beside the code, in parallel) and `integration`
 * (files that need real Postgres, Redis or processes; by default `src/**\/*.int.test.ts`).
 */
export function unitAndIntegrationConfig(packageName, options = {}) {
  const {
    unitExclude = ['src/**/*.int.test.ts'],
    unitInclude = ['src/**/*.test.ts'],
    include = ['src/**/*.int.test.ts'],
    oneFileAtATime = false,
    testTimeout = 30_000,
    hookTimeout = 30_000,
  } = options;
  return defineConfig({
    test: {
      reporters: reporters(packageName),
      projects: [
        { extends: true, test: { name: 'unit', include: unitInclude, exclude: unitExclude } },
        {
          extends: true,
          test: {
            name: 'integration',
            include,
            ...(oneFileAtATime ? { fileParallelism: false } : {}),
            testTimeout,
            hookTimeout,
          },
        },
      ],
    },
  });
}

/** A suite whose every file starts whole processes: one file at a time, generous timeouts. */
export function processSuiteConfig(packageName, include) {
  return defineConfig({
    test: {
      reporters: reporters(packageName),
      include,
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 180_000,
    },
  });
}
