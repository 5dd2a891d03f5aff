import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from './activity/index.ts';
import { type AuthDb, refreshTokens, revocations, sessions, users } from './auth/index.ts';
import { createDb } from './create-db.ts';
import type { DbHandle, DbKind } from './database.ts';
import { isUniqueViolation, postgresErrorOf } from './errors.ts';
import { notes } from './notes/index.ts';
import type { ServiceName } from './services.ts';
import { createFreshDatabase, type FreshDatabase } from './testing/index.ts';

const tokenHash = () => createHash('sha256').update(randomBytes(32)).digest('hex');
const inOneHour = () => new Date(Date.now() + 3_600_000);

/** The same suite on both drivers: one real Postgres database, or one PGlite directory per service. */
describe.each<DbKind>(['pg', 'pglite'])('schemas round trip on %s', (kind) => {
  let fresh: FreshDatabase | undefined;
  let dir: string | undefined;
  const closers: (() => Promise<void>)[] = [];

  async function open<S extends ServiceName>(service: S): Promise<DbHandle<S>> {
    const handle =
      kind === 'pg'
        ? await createDb({ service, url: fresh!.url })
        : await createDb({ service, dataDir: join(dir!, service) });
    closers.push(handle.close);
    return handle;
  }

  let db: AuthDb;
  beforeAll(async () => {
    if (kind === 'pg') fresh = await createFreshDatabase();
    else dir = await mkdtemp(join(tmpdir(), 'revoke-db-'));
    db = (await open('auth')).db;
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await fresh?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stores a user, a session and its refresh token, and reads them back related', async () => {
    const [user] = await db.insert(users).values({ email: 'ada@example.com', passwordHash: 'x' }).returning();
    expect(user!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user!.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(user!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    const [session] = await db
      .insert(sessions)
      .values({ userId: user!.id, userAgent: 'vitest', ip: '127.0.0.1' })
      .returning();
    const hash = tokenHash();
    const expiresAt = new Date('2030-01-02T03:04:05.678Z');
    await db.insert(refreshTokens).values({ sessionId: session!.id, tokenHash: hash, expiresAt });

    const found = await db.query.users.findFirst({
      where: eq(users.email, 'ada@example.com'),
      with: { sessions: { with: { refreshTokens: true } } },
    });
    expect(found?.sessions).toHaveLength(1);
    expect(found?.sessions[0]?.refreshTokens[0]).toMatchObject({
      tokenHash: hash,
      expiresAt,
      rotatedAt: null,
    });
  });

  it('rejects a second account for the same e-mail and an unnormalised e-mail', async () => {
    await db.insert(users).values({ email: 'bob@example.com', passwordHash: 'x' });
    const duplicate = await db
      .insert(users)
      .values({ email: 'bob@example.com', passwordHash: 'y' })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(duplicate, 'users_email_unique')).toBe(true);
    const upper = await db
      .insert(users)
      .values({ email: 'Bob@example.com', passwordHash: 'y' })
      .catch((e: unknown) => e);
    expect(postgresErrorOf(upper)).toEqual({ code: '23514', constraint: 'users_email_normalised' });
  });

  it('rejects a refresh token hash that is not SHA-256 hex', async () => {
    const [user] = await db.insert(users).values({ email: 'cy@example.com', passwordHash: 'x' }).returning();
    const [session] = await db.insert(sessions).values({ userId: user!.id }).returning();
    const bad = await db
      .insert(refreshTokens)
      .values({ sessionId: session!.id, tokenHash: 'raw-token-not-a-hash', expiresAt: inOneHour() })
      .catch((e: unknown) => e);
    expect(postgresErrorOf(bad)?.code).toBe('23514');
  });

  it('keeps one revocation per token, so a second logout is a no-op', async () => {
    const row = { kind: 'jti' as const, subject: 'jti-1', expiresAt: inOneHour(), reason: 'logout' };
    const first = await db.insert(revocations).values(row).onConflictDoNothing().returning();
    const second = await db.insert(revocations).values(row).onConflictDoNothing().returning();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
    expect(typeof first[0]!.id).toBe('number');
  });

  it('moves a user not-before forward on a later sub revocation and queues it for the relay again', async () => {
    const upsert = (notBefore: Date) =>
      db
        .insert(revocations)
        .values({ kind: 'sub', subject: 'user-1', notBefore, expiresAt: inOneHour(), reason: 'logout_all' })
        .onConflictDoUpdate({
          target: [revocations.kind, revocations.subject],
          set: {
            notBefore: sql`greatest(${revocations.notBefore}, excluded.not_before)`,
            expiresAt: sql`greatest(${revocations.expiresAt}, excluded.expires_at)`,
            relayedAt: null,
          },
        })
        .returning();
    const t1 = new Date('2030-01-01T00:00:00Z');
    const t2 = new Date('2030-01-01T00:05:00Z');
    const [first] = await upsert(t2);
    await db.update(revocations).set({ relayedAt: new Date() }).where(eq(revocations.id, first!.id));
    const [older] = await upsert(t1);
    expect(older).toMatchObject({ id: first!.id, notBefore: t2, relayedAt: null });

    const unrelayed = await db
      .select({ id: revocations.id, kind: revocations.kind })
      .from(revocations)
      .where(and(isNull(revocations.relayedAt), eq(revocations.subject, 'user-1')))
      .orderBy(asc(revocations.id));
    expect(unrelayed).toEqual([{ id: first!.id, kind: 'sub' }]);
  });

  it('requires not_before exactly for sub revocations', async () => {
    const subWithout = await db
      .insert(revocations)
      .values({ kind: 'sub', subject: 'user-2', expiresAt: inOneHour(), reason: 'ban' })
      .catch((e: unknown) => e);
    const jtiWith = await db
      .insert(revocations)
      .values({ kind: 'jti', subject: 'jti-2', notBefore: new Date(), expiresAt: inOneHour(), reason: 'x' })
      .catch((e: unknown) => e);
    expect(postgresErrorOf(subWithout)?.constraint).toBe('revocations_not_before_iff_sub');
    expect(postgresErrorOf(jtiWith)?.constraint).toBe('revocations_not_before_iff_sub');
  });

  it('stores notes and activity events in their own schemas', async () => {
    const notesDb = (await open('notes')).db;
    const activityDb = (await open('activity')).db;
    const [note] = await notesDb.insert(notes).values({ userId: 'user-1', body: 'hello' }).returning();
    await activityDb
      .insert(events)
      .values({ userId: 'user-1', kind: 'note.created', detail: { noteId: note!.id } });
    expect(await notesDb.select().from(notes).where(eq(notes.userId, 'user-1'))).toEqual([note]);
    const [event] = await activityDb.select().from(events).where(eq(events.userId, 'user-1'));
    expect(event).toMatchObject({ kind: 'note.created', detail: { noteId: note!.id } });
  });
});
