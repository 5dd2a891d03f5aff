import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

// A module that grows past this has more than one job: split it before it becomes the next feed.ts.
const MAX_LINES = 300;
const src = import.meta.dirname;

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

it(`keeps every module of @revoke/auth within ${MAX_LINES} lines`, () => {
  const found = modules(src);
  expect(found.length).toBeGreaterThan(50);
  const long = found
    .map((path) => ({ path: relative(src, path), lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(long).toEqual([]);
});
