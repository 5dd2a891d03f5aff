import { afterAll, beforeAll } from 'vitest';

/** What a suite starts and must close again: an in-process app, a fleet, a process. */
export interface Closable {
  close(): unknown;
}

/**
 * Starts `start()` once before the tests of the enclosing `describe` (or file) and closes it after
 * them: one line instead of a `let`, a `beforeAll` and an `afterAll` in every file. Tests read it by
 * calling the returned function (it throws when the start failed, instead of a confusing `undefined`).
 */
export function startedForSuite<T extends Closable>(start: () => Promise<T>): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.close();
  });
  return () => {
    if (started === undefined) throw new Error('the suite’s fixture did not start (see its beforeAll)');
    return started;
  };
}
