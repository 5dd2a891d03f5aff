import { randomBytes, randomUUID } from 'node:crypto';
import { bench, describe } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { RevocationCache } from './cache.ts';

// The cost every request pays: `isRevoked` against 100k live entries, realistic ids (base64url jti,
// UUID sid), 1% of probes revoked; beside it, a plain Map of the same ids.
const ENTRIES = 100_000;
const now = Math.floor(Date.now() / 1000);
const cache = new RevocationCache(now);
const plain = new Map<string, number>();
const revokedJtis: string[] = [];
for (let i = 0; i < ENTRIES; i++) {
  const jti = randomBytes(16).toString('base64url');
  revokedJtis.push(jti);
  cache.add({ kind: 'jti', id: jti, exp: now + 900 });
  plain.set(jti, now + 900);
}
const probes: AccessClaims[] = Array.from({ length: 1000 }, (_, i) => ({
  iss: 'i',
  aud: 'a',
  sub: randomUUID(),
  sid: randomUUID(),
  jti: i % 100 === 0 ? revokedJtis[i]! : randomBytes(16).toString('base64url'),
  iat: now,
  exp: now + 900,
}));

let sink = 0;
describe(`isRevoked at ${ENTRIES} entries (per 1000 probes)`, () => {
  bench('RevocationCache.isRevoked', () => {
    for (const claims of probes) if (cache.isRevoked(claims)) sink++;
  });
  bench('peer: Map.has(jti) alone', () => {
    for (const claims of probes) if (plain.has(claims.jti)) sink++;
  });
});

export { sink };
