import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { createLocalJWKSet, createRemoteJWKSet } from 'jose';

/**
 * Where the verifier gets public keys: a jose key getter, called with the (not yet authenticated)
 * protected header. Services only ever hold public keys (docs/architecture.md, "Tokens"), so only getters built from
 * a JWKS are offered here; tests may pass any getter.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createRevocationGuard, type KeySource, localKeys, remoteKeys } from '@revoke/auth';
 *
 * const keys: KeySource = process.env.JWKS_FILE
 *   ? localKeys(JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8')))
 *   : remoteKeys('https://auth.example.com/.well-known/jwks.json');
 * const auth = createRevocationGuard({ issuer: 'https://auth.example.com', audience: 'notes', keys });
 * ```
 */
export type KeySource = JWTVerifyGetKey;

/**
 * Options of {@link remoteKeys}.
 *
 * @example
 * ```ts
 * import { remoteKeys, type RemoteKeysOptions } from '@revoke/auth';
 *
 * const options: RemoteKeysOptions = { cooldownMs: 60_000, cacheMaxAgeMs: 300_000, timeoutMs: 2_000 };
 * const keys = remoteKeys('https://auth.example.com/.well-known/jwks.json', options);
 * ```
 */
export interface RemoteKeysOptions {
  /**
   * After a fetch, how long an unknown `kid` is rejected without refetching (default 30 000 ms).
   * Bounds how often forged `kid`s can make us hit the auth app.
   */
  cooldownMs?: number;
  /** How long fetched keys are used before a refetch (default 600 000 ms). */
  cacheMaxAgeMs?: number;
  /** Abort the JWKS request after this long (default 5 000 ms); a whole number of ms. */
  timeoutMs?: number;
}

/**
 * Keys from a JWKS document held in memory (a local JWKS file's content).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createRevocationGuard, localKeys } from '@revoke/auth';
 *
 * const jwks = JSON.parse(readFileSync('jwks.json', 'utf8'));
 * const auth = createRevocationGuard({ issuer: 'https://auth.example.com', audience: 'notes', keys: localKeys(jwks) });
 * ```
 */
export function localKeys(jwks: JSONWebKeySet): KeySource {
  // jose snapshots (structuredClone) the set, so later edits to `jwks` do not change the keys.
  return createLocalJWKSet(jwks);
}

/**
 * Keys fetched from a JWKS URL, cached, with a cooldown before refetching on an unknown kid.
 *
 * @example
 * ```ts
 * import { createRevocationGuard, remoteKeys } from '@revoke/auth';
 *
 * const auth = createRevocationGuard({
 *   issuer: 'https://auth.example.com',
 *   audience: 'notes',
 *   keys: remoteKeys('https://keys.example.com/jwks.json', { cooldownMs: 60_000 }),
 * });
 * ```
 */
export function remoteKeys(url: string | URL, options: RemoteKeysOptions = {}): KeySource {
  // jose refuses a string URL; it also fetches with `redirect: 'manual'`, so a redirecting JWKS
  // URL fails (non-200) instead of being followed.
  return createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: Math.ceil(options.timeoutMs ?? 5_000),
  });
}
