import { eq, gt, isNull, lt, or, sql } from '@revoke/db';
import { type AuthDb, type SigningKey, signingKeys } from '@revoke/db/auth';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { generateSigningKey, importSigningKey, publicMembers, SIGNING_ALG } from './key-material.ts';

/** Access-token signing keys: which one signs now, which ones are published (docs/architecture.md, "Tokens"). */
export interface SigningKeyStore {
  /** Loads persisted keys; generates and persists a first Ed25519 key (active immediately) when none is active. */
  init(): Promise<void>;
  /** The key that signs now: the newest whose `activates_at <= now` and not retired. Throws if there is none (not initialised). */
  current(): { kid: string; privateKey: CryptoKey };
  /**
   * The key to sign with: {@link current}, unless it was withdrawn (another process ran
   * `withdraw-key`, and this one heard the revocation before its next reload): then the keys are
   * reloaded first, so no token is born revoked.
   */
  signingKey(): Promise<{ kid: string; privateKey: CryptoKey }>;
  /**
   * The public JWKS: every key not retired, or retired less than `maxTokenLifetimeSec +
   * clockToleranceSec` ago (its last tokens may still be live), pending keys included. Each key has
   * `kid`, `alg: 'EdDSA'`, `use: 'sig'`, `kty`, `crv`, `x`; never a private member. A fresh object
   * on every call.
   */
  jwks(): JSONWebKeySet;
  /**
   * Publishes a new key now, signing from `publishDelaySec` later (services refetch their JWKS on
   * an unknown `kid` only after a cooldown, so a key must be published before it signs). Every key
   * still current or pending retires when the new one activates. Keys out of the JWKS for good are
   * deleted. Returns the new `kid`.
   *
   * Other processes see the new key at their next {@link SigningKeyStore.reload}: reload more often
   * than `publishDelaySec`, or they keep publishing (and signing with) the old set.
   */
  rotate(options?: { publishDelaySec?: number }): Promise<string>;
  /** Re-reads keys from the database (another process rotated). */
  reload(): Promise<void>;
  /**
   * Emergency withdrawal of a key (it leaked): deletes it at once, so it leaves the JWKS and never
   * signs again; when it was the key signing now (or one pending), a new key signs from this moment
   * (services fetch it on its first unknown `kid`, after their refetch cooldown). Its tokens still
   * verify at services that cached the JWKS: revoke them by `kid` too (`Revoker.withdrawKey`).
   * Returns the `kid` of the key that signs now. Throws `UnknownKeyError` for a key not in the table.
   */
  withdraw(kid: string): Promise<{ signing: string }>;
  /** The keys in the table, newest first: `kid`, whether it signs now, and when it activates/retires. */
  list(): { kid: string; current: boolean; activatesAt: Date; retiresAt: Date | null }[];
}

/** No key with this `kid` is stored. */
export class UnknownKeyError extends Error {
  override readonly name = 'UnknownKeyError';
}

/** Options of {@link createSigningKeyStore}. */
export interface SigningKeyStoreOptions {
  db: AuthDb;
  /** Longest access-token lifetime: how long a retired key must stay published. */
  maxTokenLifetimeSec: number;
  /** The verifiers' clock tolerance: they accept a token this long past `exp`. */
  clockToleranceSec: number;
  /** Clock in ms (default `Date.now`); tests control time with it. */
  now?: () => number;
  /** Default delay between publishing a rotated key and signing with it (default 60 s). */
  defaultPublishDelaySec?: number;
  /**
   * True for a key withdrawn by any auth process (the revocation cache knows within one pub/sub hop):
   * it leaves the JWKS at once and never signs again, whatever this process last loaded.
   */
  isWithdrawn?: (kid: string) => boolean;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
  activatesAt: number;
  retiresAt: number | null;
}

// One lock for every writer of the table, across processes: the first-key check and rotations are
// read-then-write sequences that must not interleave.
const KEY_LOCK = sql`SELECT pg_advisory_xact_lock(hashtext('auth.signing_keys'))`;

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function isCurrentAt(key: { activatesAt: number; retiresAt: number | null }, nowMs: number): boolean {
  return key.activatesAt <= nowMs && (key.retiresAt === null || key.retiresAt > nowMs);
}

/**
 * A {@link SigningKeyStore} over `auth.signing_keys`.
 *
 * Known trade-off: the private JWK is stored in the table as plain JSON, so a restart does not log
 * everyone out, and a database dump holds the signing keys. In production it would be encrypted
 * with a KMS key (envelope encryption) before it is written.
 */
export function createSigningKeyStore(options: SigningKeyStoreOptions): SigningKeyStore {
  const { db, now = Date.now, isWithdrawn = () => false } = options;
  const publishedAfterRetireMs =
    (nonNegativeInteger('maxTokenLifetimeSec', options.maxTokenLifetimeSec) +
      nonNegativeInteger('clockToleranceSec', options.clockToleranceSec)) *
    1000;
  const defaultPublishDelaySec = nonNegativeInteger(
    'defaultPublishDelaySec',
    options.defaultPublishDelaySec ?? 60,
  );
  // Newest activation first, so `current()` is the first match.
  let keys: readonly LoadedKey[] | undefined;

  const isPublishedAt = (key: LoadedKey, nowMs: number) =>
    key.retiresAt === null || nowMs < key.retiresAt + publishedAfterRetireMs;

  async function load(rows: SigningKey[]): Promise<readonly LoadedKey[]> {
    const nowMs = now();
    const loaded = await Promise.all(
      rows.map(
        async (row): Promise<LoadedKey> => ({
          kid: row.kid,
          publicJwk: { ...publicMembers(row.publicJwk), kid: row.kid, alg: SIGNING_ALG, use: 'sig' },
          privateKey: await importSigningKey(row.privateJwk),
          activatesAt: row.activatesAt.getTime(),
          retiresAt: row.retiresAt?.getTime() ?? null,
        }),
      ),
    );
    return loaded
      .filter((key) => isPublishedAt(key, nowMs))
      .sort((a, b) => b.activatesAt - a.activatesAt || (a.kid < b.kid ? 1 : -1));
  }

  async function reload(): Promise<void> {
    keys = await load(await db.select().from(signingKeys));
  }

  function current(): { kid: string; privateKey: CryptoKey } {
    if (keys === undefined) throw new Error('signing key store used before init()');
    const nowMs = now();
    const key = keys.find((candidate) => isCurrentAt(candidate, nowMs));
    if (key === undefined) throw new Error('no active signing key');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  return {
    async init() {
      await reload();
      const nowMs = now();
      if (keys?.some((key) => isCurrentAt(key, nowMs))) return;
      // Generated outside the transaction to keep the lock short; wasted if another process wins.
      const generated = await generateSigningKey();
      await db.transaction(async (tx) => {
        await tx.execute(KEY_LOCK);
        // Re-read under the lock: two processes starting on an empty table both get here, and
        // only the first may create the key, or each would sign with its own "first" key.
        const rows = await tx.select().from(signingKeys);
        const lockedNowMs = now();
        const hasCurrent = rows.some((row) =>
          isCurrentAt(
            { activatesAt: row.activatesAt.getTime(), retiresAt: row.retiresAt?.getTime() ?? null },
            lockedNowMs,
          ),
        );
        if (hasCurrent) return;
        await tx.insert(signingKeys).values({
          ...generated,
          createdAt: new Date(lockedNowMs),
          activatesAt: new Date(lockedNowMs),
        });
      });
      await reload();
    },

    current,

    async signingKey() {
      const key = current();
      if (!isWithdrawn(key.kid)) return key;
      await reload();
      return current();
    },

    jwks() {
      const nowMs = now();
      return {
        keys: (keys ?? [])
          .filter((key) => isPublishedAt(key, nowMs) && !isWithdrawn(key.kid))
          .map((key) => ({ ...key.publicJwk })),
      };
    },

    async rotate(rotateOptions = {}) {
      const delaySec = nonNegativeInteger(
        'publishDelaySec',
        rotateOptions.publishDelaySec ?? defaultPublishDelaySec,
      );
      const generated = await generateSigningKey();
      await db.transaction(async (tx) => {
        await tx.execute(KEY_LOCK);
        const nowMs = now();
        const activatesAt = new Date(nowMs + delaySec * 1000);
        // The current key, and any key pending from an earlier rotation, stop signing the moment
        // the new one starts: exactly one key signs at any instant. `retires_at` only moves earlier.
        await tx
          .update(signingKeys)
          .set({ retiresAt: activatesAt })
          .where(or(isNull(signingKeys.retiresAt), gt(signingKeys.retiresAt, activatesAt)));
        await tx.insert(signingKeys).values({ ...generated, createdAt: new Date(nowMs), activatesAt });
        // Private keys that no live token can need any more: fewer secrets at rest.
        await tx
          .delete(signingKeys)
          .where(lt(signingKeys.retiresAt, new Date(nowMs - publishedAfterRetireMs)));
      });
      await reload();
      return generated.kid;
    },

    reload,

    async withdraw(kid) {
      const generated = await generateSigningKey();
      const signing = await db.transaction(async (tx) => {
        await tx.execute(KEY_LOCK);
        const deleted = await tx.delete(signingKeys).where(eq(signingKeys.kid, kid)).returning();
        const [withdrawn] = deleted;
        if (!withdrawn) throw new UnknownKeyError(`no signing key "${kid}"`);
        const nowMs = now();
        // A pending key was to retire the keys before it when it activated: they sign on instead.
        if (withdrawn.activatesAt.getTime() > nowMs)
          await tx
            .update(signingKeys)
            .set({ retiresAt: null })
            .where(eq(signingKeys.retiresAt, withdrawn.activatesAt));
        const rest = await tx.select().from(signingKeys);
        // Pending keys are not a way out: they would sign only later, and services know them already.
        const current = rest
          .filter((row) =>
            isCurrentAt(
              { activatesAt: row.activatesAt.getTime(), retiresAt: row.retiresAt?.getTime() ?? null },
              nowMs,
            ),
          )
          .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
        if (current) return current.kid;
        // The withdrawn key was the one signing: every other key stops, and a new one signs now.
        await tx
          .update(signingKeys)
          .set({ retiresAt: new Date(nowMs) })
          .where(or(isNull(signingKeys.retiresAt), gt(signingKeys.retiresAt, new Date(nowMs))));
        await tx
          .insert(signingKeys)
          .values({ ...generated, createdAt: new Date(nowMs), activatesAt: new Date(nowMs) });
        return generated.kid;
      });
      await reload();
      return { signing };
    },

    list() {
      const nowMs = now();
      return (keys ?? []).map((key) => ({
        kid: key.kid,
        current: isCurrentAt(key, nowMs),
        activatesAt: new Date(key.activatesAt),
        retiresAt: key.retiresAt === null ? null : new Date(key.retiresAt),
      }));
    },
  };
}
