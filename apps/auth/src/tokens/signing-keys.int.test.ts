import { createDb } from '@revoke/db';
import { signingKeys } from '@revoke/db/auth';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKeyStore, type SigningKeyStoreOptions, UnknownKeyError } from './signing-keys.ts';

const LIFETIME_SEC = 900;
const TOLERANCE_SEC = 5;

let testDb: TestDb<'auth'>;
beforeAll(async () => {
  testDb = await createTestDb('auth');
});
afterAll(() => testDb.close());
// One database for the file, an empty table for every test.
afterEach(async () => {
  await testDb.db.delete(signingKeys);
});

function controlledClock(start = Date.now()) {
  const clock = {
    ms: start,
    now: () => clock.ms,
    advanceSec(sec: number) {
      clock.ms += sec * 1000;
    },
  };
  return clock;
}

function store(overrides: Partial<SigningKeyStoreOptions> = {}) {
  return createSigningKeyStore({
    db: testDb.db,
    maxTokenLifetimeSec: LIFETIME_SEC,
    clockToleranceSec: TOLERANCE_SEC,
    ...overrides,
  });
}

const kids = (jwks: { keys: { kid?: string }[] }) => jwks.keys.map((key) => key.kid).sort();

describe('the signing key store', () => {
  it('creates one first key on an empty table, active at once, and a second store sees the same kid', async () => {
    const first = store();
    await first.init();
    const { kid, privateKey } = first.current();
    expect(privateKey.type).toBe('private');
    expect(privateKey.extractable).toBe(false);
    expect(await testDb.db.$count(signingKeys)).toBe(1);

    // A restart: a new store over the same database signs with the same key.
    const restarted = store();
    await restarted.init();
    expect(restarted.current().kid).toBe(kid);
    expect(await testDb.db.$count(signingKeys)).toBe(1);
  });

  it('makes exactly one first key when several processes start at once on an empty table', async () => {
    // Separate pools, as separate processes would have; each store's transaction gets its own connection.
    const handles = await Promise.all(
      [1, 2, 3].map(() => createDb({ service: 'auth', url: testDb.url, migrate: false })),
    );
    try {
      const stores = handles.map((handle) => store({ db: handle.db }));
      await Promise.all(stores.map((s) => s.init()));
      expect(await testDb.db.$count(signingKeys)).toBe(1);
      const current = new Set(stores.map((s) => s.current().kid));
      expect(current.size).toBe(1);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
  });

  it('publishes only public members, tagged for jose (alg EdDSA, use sig)', async () => {
    const keys = store();
    await keys.init();
    const [jwk, ...rest] = keys.jwks().keys;
    expect(rest).toEqual([]);
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      kid: keys.current().kid,
    });
    expect(JSON.stringify(keys.jwks())).not.toMatch(/"d"|"p"|"q"|"dp"|"dq"|"qi"|"k"/);
    // Callers get a copy: editing it changes nothing inside the store.
    (keys.jwks().keys[0] as Record<string, unknown>).d = 'leak';
    expect(keys.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('follows the rotation timeline: published first, signs after the delay, kept until its tokens expired', async () => {
    const clock = controlledClock();
    const keys = store({ now: clock.now, defaultPublishDelaySec: 60 });
    await keys.init();
    const oldKid = keys.current().kid;

    const newKid = await keys.rotate();
    expect(newKid).not.toBe(oldKid);
    // Published at once, but not signing yet: services must be able to fetch it first.
    expect(kids(keys.jwks())).toEqual([oldKid, newKid].sort());
    expect(keys.current().kid).toBe(oldKid);

    clock.advanceSec(59);
    expect(keys.current().kid).toBe(oldKid);
    clock.advanceSec(1);
    expect(keys.current().kid).toBe(newKid);

    // The old key stays published while a token it signed just before retiring can be live.
    clock.advanceSec(LIFETIME_SEC + TOLERANCE_SEC - 1);
    expect(kids(keys.jwks())).toEqual([oldKid, newKid].sort());
    clock.advanceSec(1);
    expect(kids(keys.jwks())).toEqual([newKid]);

    // A store loaded from the database agrees on the whole timeline.
    const other = store({ now: clock.now });
    await other.init();
    expect(other.current().kid).toBe(newKid);
    expect(kids(other.jwks())).toEqual([newKid]);
  });

  it('two rotations inside the publish delay: one signing key at a time, none left signing forever', async () => {
    const clock = controlledClock();
    const keys = store({ now: clock.now });
    await keys.init();
    const a = keys.current().kid;
    const b = await keys.rotate({ publishDelaySec: 60 });
    clock.advanceSec(10);
    const c = await keys.rotate({ publishDelaySec: 60 });
    expect(kids(keys.jwks())).toEqual([a, b, c].sort());
    // Each key signs over one unbroken interval: a until 60 s (as announced), b from 60 s until c
    // activates at 70 s (b was published 60 s before it signs, so that is safe), then c.
    clock.advanceSec(49);
    expect(keys.current().kid).toBe(a);
    clock.advanceSec(1);
    expect(keys.current().kid).toBe(b);
    clock.advanceSec(9);
    expect(keys.current().kid).toBe(b);
    clock.advanceSec(1);
    expect(keys.current().kid).toBe(c);
    const rows = await testDb.db.select().from(signingKeys);
    expect(rows.filter((row) => row.retiresAt === null).map((row) => row.kid)).toEqual([c]);
  });

  it('a rotation with no delay signs at once', async () => {
    const keys = store();
    await keys.init();
    const kid = await keys.rotate({ publishDelaySec: 0 });
    expect(keys.current().kid).toBe(kid);
  });

  it('another process sees a rotation after reload()', async () => {
    const clock = controlledClock();
    const a = store({ now: clock.now });
    const b = store({ now: clock.now });
    await a.init();
    await b.init();
    const kid = await a.rotate({ publishDelaySec: 30 });
    expect(kids(b.jwks())).not.toContain(kid);
    await b.reload();
    expect(kids(b.jwks())).toContain(kid);
    clock.advanceSec(30);
    expect(b.current().kid).toBe(kid);
  });

  it('deletes private keys no live token can need, at the next rotation', async () => {
    const clock = controlledClock();
    const keys = store({ now: clock.now });
    await keys.init();
    const first = keys.current().kid;
    await keys.rotate({ publishDelaySec: 0 });
    clock.advanceSec(LIFETIME_SEC + TOLERANCE_SEC + 1);
    await keys.rotate({ publishDelaySec: 0 });
    const stored = (await testDb.db.select({ kid: signingKeys.kid }).from(signingKeys)).map((row) => row.kid);
    expect(stored).not.toContain(first);
    expect(stored).toHaveLength(2);
  });

  it('refuses to be used before init() and rejects nonsense options at construction', () => {
    expect(() => store().current()).toThrow(/before init/);
    expect(store().jwks()).toEqual({ keys: [] });
    expect(() => store({ maxTokenLifetimeSec: -1 })).toThrow(RangeError);
    expect(() => store({ defaultPublishDelaySec: 1.5 })).toThrow(RangeError);
  });
});

describe('emergency withdrawal of a key', () => {
  it('the key signing now: gone from the JWKS and the table at once, and a new key signs from now', async () => {
    const keys = store();
    await keys.init();
    const leaked = keys.current().kid;
    const { signing } = await keys.withdraw(leaked);
    expect(signing).not.toBe(leaked);
    expect(keys.current().kid).toBe(signing);
    expect(kids(keys.jwks())).toEqual([signing]);
    expect(keys.list().map((key) => key.kid)).toEqual([signing]);
    // Another process sees the same at its next reload.
    const other = store();
    await other.init();
    expect(other.current().kid).toBe(signing);
  });

  it('a key published but not signing yet: withdrawn, and the key signing now goes on', async () => {
    const keys = store();
    await keys.init();
    const signingNow = keys.current().kid;
    const pending = await keys.rotate({ publishDelaySec: 60 });
    expect(await keys.withdraw(pending)).toEqual({ signing: signingNow });
    expect(kids(keys.jwks())).toEqual([signingNow]);
    expect(keys.list()).toEqual([
      expect.objectContaining({ kid: signingNow, current: true, retiresAt: null }),
    ]);
  });

  it('refuses a kid it does not hold, changing nothing', async () => {
    const keys = store();
    await keys.init();
    const before = kids(keys.jwks());
    await expect(keys.withdraw('no-such-kid')).rejects.toThrow(UnknownKeyError);
    expect(kids(keys.jwks())).toEqual(before);
  });
});
