import { bench, describe } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { RevocationCache } from './cache.ts';

// The cost every request pays: `isRevoked` against 100k live entries (1% of checks hit).
const ENTRIES = 100_000;
const now = Math.floor(Date.now() / 1000);
const cache = new RevocationCache(now);
for (let i = 0; i < ENTRIES; i++) {
  const kind = i % 10 === 0 ? 'sid' : 'jti';
  cache.add({ kind, id: `id-${i}`, exp: now + 900 });
}
const probes: AccessClaims[] = Array.from({ length: 1000 }, (_, i) => ({
  iss: 'i',
  aud: 'a',
  sub: `user-${i}`,
  sid: `session-${i}`,
  jti: i % 100 === 0 ? `id-${i + 1}` : `fresh-${i}`,
  iat: now,
  exp: now + 900,
}));
const plain = new Map<string, number>();
for (let i = 0; i < ENTRIES; i++) plain.set(`id-${i}`, now + 900);

let sink = 0;
describe(`isRevoked at ${ENTRIES} entries`, () => {
  bench('RevocationCache.isRevoked', () => {
    for (const claims of probes) if (cache.isRevoked(claims)) sink++;
  });
  bench('peer: one Map.has per probe', () => {
    for (const claims of probes) if (plain.has(claims.jti)) sink++;
  });
});

export { sink };
