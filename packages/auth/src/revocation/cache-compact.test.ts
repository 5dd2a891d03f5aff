import { randomBytes, randomUUID } from 'node:crypto';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { RevocationCache } from './cache.ts';

const T = 2_000_000_000;
const claims = (overrides: Partial<AccessClaims> = {}): AccessClaims => ({
  iss: 'i',
  aud: 'a',
  sub: randomUUID(),
  sid: randomUUID(),
  jti: randomBytes(16).toString('base64url'),
  iat: T - 10,
  exp: T + 890,
  ...overrides,
});

/** A full collection: `--expose-gc` switched on for a fresh context, since vitest's workers lack it. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Bytes `run` left on the heap, and the young-generation collections during it. Collected first, so
 * a collection during `run` means it allocated a whole young generation (megabytes).
 */
async function allocatedBy(run: () => void): Promise<{ bytes: number; scavenges: number }> {
  let scavenges = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  collect();
  await new Promise((resolve) => setTimeout(resolve, 20));
  scavenges = 0;
  const before = process.memoryUsage().heapUsed;
  run();
  const bytes = process.memoryUsage().heapUsed - before;
  // Entries are delivered after the synchronous run, on a later turn.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return { bytes, scavenges };
}

describe('RevocationCache with user not-befores in a compact table', () => {
  it('refuses a user revoked under an upper-case UUID, and keeps a user id that is not a UUID exact', () => {
    const user = randomUUID();
    const cache = new RevocationCache(T);
    cache.add({ kind: 'sub', id: user.toUpperCase(), notBefore: T, exp: T + 900 });
    expect(cache.isRevoked(claims({ sub: user }))).toBe(true);
    expect(cache.isRevoked(claims({ sub: user, iat: T }))).toBe(false);
    expect(cache.addIndexMember(`sub:${T}:alice@example.com`, T + 900)).toBe(true);
    expect(cache.isRevoked(claims({ sub: 'alice@example.com' }))).toBe(true);
    expect(cache.isRevoked(claims({ sub: 'Alice@example.com' }))).toBe(false);
    expect(cache.sizes()).toEqual({ jti: 0, sid: 0, sub: 2, kid: 0 });
    expect(cache.sweep(T + 900)).toBe(2);
    expect(cache.isRevoked(claims({ sub: user }))).toBe(false);
  });

  it('checks a token against every kind without allocating', { timeout: 30_000 }, async () => {
    const cache = new RevocationCache(T);
    const users = Array.from({ length: 10_000 }, () => randomUUID());
    for (const [i, user] of users.entries()) {
      cache.add({ kind: 'sub', id: user, notBefore: T - (i % 20), exp: T + 900 });
      cache.add({ kind: 'jti', id: randomBytes(16).toString('base64url'), exp: T + 900 });
      cache.add({ kind: 'sid', id: randomUUID(), exp: T + 900 });
    }
    cache.add({ kind: 'kid', id: 'withdrawn', exp: T + 900 });
    const probes = users.map((sub) => claims({ sub, kid: 'current' }));
    let revoked = 0;
    const check = (rounds: number) => {
      for (let round = 0; round < rounds; round++) for (const c of probes) if (cache.isRevoked(c)) revoked++;
    };
    check(30); // warm up: optimised code is in place before counting
    // 200,000 checks: were each to allocate even one 16-byte number, that would be 3.2 MB, and every
    // time. The least of three runs, since compiling may still allocate a little once, then no more.
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await allocatedBy(() => check(20)));
    expect(Math.min(...runs.map((r) => r.scavenges))).toBe(0);
    expect(Math.min(...runs.map((r) => r.bytes))).toBeLessThan(100_000);
    expect(revoked).toBeGreaterThan(0);
  });
});
