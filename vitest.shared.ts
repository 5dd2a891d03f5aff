import { join } from 'node:path';

/**
 * Reporters for every package's vitest config. When TEST_REPORT_DIR is set (as `.ci/run` does),
 * each package also writes a JSON report there, which `.ci/count-tests.mjs` adds up.
 */
export function reporters(packageName: string): (string | [string, Record<string, unknown>])[] {
  const dir = process.env.TEST_REPORT_DIR;
  if (!dir) return ['default'];
  return ['default', ['json', { outputFile: join(dir, `${packageName.replace(/[@/]/g, '_')}.json`) }]];
}
