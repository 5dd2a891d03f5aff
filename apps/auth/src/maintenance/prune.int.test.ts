import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { revocationKeys } from '@revoke/auth/writer';
import { createDb, eq, type SQL, sql } from '@revoke/db';
import { type AuthDb, auditLog, refreshTokens, revocations, sessions, users } from '@revoke/db/auth';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envSchema } from '../env.ts';
import { signOutReason } from '../sessions/session-revocations.ts';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';
import { type PruneResult, pruneOnce } from './prune.ts';
import { type PrunePolicy, prunePolicyOf } from './prune-policy.ts';

// The clock is `now`, passed to every run; rows are written with timestamps relative to it.
const NOW = new Date();
const SEC = 1000;
const DAY = 86_400 * SEC;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

// The shipped defaults: 5 s clock tolerance, 30-day refresh tokens, 1 day for ended sessions, 90 days of audit.
const ENV = envSchema.parse({});
const POLICY = prunePolicyOf(ENV);

async function newUser(db: AuthDb): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ email: `prune-${randomBytes(6).toString('hex')}@example.com`, passwordHash: 'x' })
    .returning({ id: users.id });
  return row!.id;
}

async function newSession(
  db: AuthDb,
  userId: string,
  times: { lastSeenAt?: Date; revokedAt?: Date } = {},
): Promise<string> {
  const [row] = await db
    .insert(sessions)
    .values({
      userId,
      createdAt: times.lastSeenAt ?? NOW,
      lastSeenAt: times.lastSeenAt ?? NOW,
      revokedAt: times.revokedAt ?? null,
      revokedReason: times.revokedAt ? 'logout' : null,
    })
    .returning({ id: sessions.id });
  return row!.id;
}

async function newTokens(db: AuthDb, sessionId: string, expiresAt: Date, count = 1): Promise<string[]> {
  const rows = await db
    .insert(refreshTokens)
    .values(
      Array.from({ length: count }, () => ({
        sessionId,
        tokenHash: randomBytes(32).toString('hex'),
        expiresAt,
      })),
    )
    .returning({ id: refreshTokens.id });
  return rows.map((row) => row.id);
}

async function newRevocation(db: AuthDb, expiresAt: Date, relayedAt: Date | null): Promise<number> {
  const [row] = await db
    .insert(revocations)
    .values({ kind: 'jti', subject: randomBytes(8).toString('hex'), expiresAt, relayedAt, reason: 'test' })
    .returning({ id: revocations.id });
  return row!.id;
}

async function newAudit(db: AuthDb, when: Date, count = 1): Promise<number[]> {
  const rows = await db
    .insert(auditLog)
    .values(Array.from({ length: count }, () => ({ at: when, actor: 'system', action: 'test' })))
    .returning({ id: auditLog.id });
  return rows.map((row) => row.id);
}

/** Which of `ids` are still in `table`. */
async function kept(
  db: AuthDb,
  table: typeof refreshTokens | typeof sessions | typeof revocations | typeof auditLog,
  ids: readonly (string | number)[],
): Promise<(string | number)[]> {
  const rows = await db.select({ id: table.id }).from(table);
  const present = new Set<string | number>(rows.map((row) => row.id));
  return ids.filter((id) => present.has(id));
}

describe('pruneOnce: what each retention keeps and deletes (the shipped defaults)', () => {
  let testDb: TestDb<'auth'>;
  let db: AuthDb;
  beforeAll(async () => {
    testDb = await createTestDb('auth');
    db = testDb.db;
  });
  afterAll(() => testDb?.close());

  it('deletes a refresh token an hour past its expiry, not one just within it, nor a live one', async () => {
    const session = await newSession(db, await newUser(db));
    const [gone] = await newTokens(db, session, at(-3601 * SEC));
    const [within] = await newTokens(db, session, at(-3599 * SEC));
    const [live] = await newTokens(db, session, at(30 * DAY));
    await pruneOnce(db, POLICY, { now: NOW });
    expect(await kept(db, refreshTokens, [gone!, within!, live!])).toEqual([within, live]);
    expect(await kept(db, sessions, [session])).toEqual([session]);
  });

  it('deletes a session ended just over a day ago with all its refresh tokens; one ended just under a day ago keeps its reason', async () => {
    const user = await newUser(db);
    const old = await newSession(db, user, { lastSeenAt: at(-2 * DAY), revokedAt: at(-DAY - SEC) });
    const oldTokens = await newTokens(db, old, at(29 * DAY), 3);
    const recent = await newSession(db, user, { lastSeenAt: at(-2 * DAY), revokedAt: at(-DAY + SEC) });
    const recentTokens = await newTokens(db, recent, at(29 * DAY));
    const result = await pruneOnce(db, POLICY, { now: NOW });
    expect(result.stopped).toBe('done');
    expect(await kept(db, sessions, [old, recent])).toEqual([recent]);
    expect(await kept(db, refreshTokens, [...oldTokens, ...recentTokens])).toEqual(recentTokens);
    expect(await signOutReason(db, recent)).toBe('signed_out');
  });

  it('deletes a session idle past the refresh lifetime once its last token expired, in one run', async () => {
    const user = await newUser(db);
    const idleFor = 30 * DAY + 3600 * SEC;
    const idle = await newSession(db, user, { lastSeenAt: at(-idleFor - SEC) });
    const idleTokens = await newTokens(db, idle, at(-idleFor - SEC + 30 * DAY));
    // As old, but a token still valid (the refresh lifetime was longer when it was issued): still usable.
    const usable = await newSession(db, user, { lastSeenAt: at(-idleFor - SEC) });
    const usableTokens = await newTokens(db, usable, at(SEC));
    // Unseen just under the idle cut-off, its tokens already gone: kept until it is over.
    const almost = await newSession(db, user, { lastSeenAt: at(-idleFor + SEC) });
    await pruneOnce(db, POLICY, { now: NOW });
    expect(await kept(db, sessions, [idle, usable, almost])).toEqual([usable, almost]);
    expect(await kept(db, refreshTokens, [...idleTokens, ...usableTokens])).toEqual(usableTokens);
  });

  it('keeps a revocation until its expiry plus the clock tolerance and the margin, and an unrelayed one forever', async () => {
    const relayed = at(-10 * DAY);
    const unrelayed = await newRevocation(db, at(-10 * DAY), null);
    const withinTolerance = await newRevocation(db, at(-4 * SEC), relayed);
    const withinMargin = await newRevocation(db, at(-(5 + 3600 - 1) * SEC), relayed);
    const past = await newRevocation(db, at(-(5 + 3600 + 1) * SEC), relayed);
    const live = await newRevocation(db, at(60 * SEC), relayed);
    await pruneOnce(db, POLICY, { now: NOW });
    expect(await kept(db, revocations, [unrelayed, withinTolerance, withinMargin, past, live])).toEqual([
      unrelayed,
      withinTolerance,
      withinMargin,
      live,
    ]);
  });

  it('deletes audit rows older than AUDIT_RETENTION_DAYS, and none when it is 0', async () => {
    const [old] = await newAudit(db, at(-90 * DAY - SEC));
    const [recent] = await newAudit(db, at(-90 * DAY + SEC));
    const forever = prunePolicyOf(envSchema.parse({ AUDIT_RETENTION_DAYS: '0' }));
    expect(forever.auditSec).toBeUndefined();
    await pruneOnce(db, forever, { now: NOW });
    expect(await kept(db, auditLog, [old!, recent!])).toEqual([old, recent]);
    await pruneOnce(db, POLICY, { now: NOW });
    expect(await kept(db, auditLog, [old!, recent!])).toEqual([recent]);
  });

  it('never deletes a user, even one with nothing left', async () => {
    const user = await newUser(db);
    await newSession(db, user, { lastSeenAt: at(-400 * DAY), revokedAt: at(-400 * DAY) });
    await pruneOnce(db, POLICY, { now: at(400 * DAY) });
    expect(await db.$count(sessions, eq(sessions.userId, user))).toBe(0);
    expect(await db.$count(users, eq(users.id, user))).toBe(1);
  });
});

describe('pruneOnce: batches, the per-run cap and the lock', () => {
  let testDb: TestDb<'auth'>;
  let db: AuthDb;
  let session: string;
  beforeAll(async () => {
    testDb = await createTestDb('auth');
    db = testDb.db;
    session = await newSession(db, await newUser(db));
  });
  afterAll(() => testDb?.close());

  const small: PrunePolicy = { ...POLICY, batchSize: 100, maxRowsPerRun: 10_000 };
  const expired = at(-2 * DAY);

  it('prunes more rows than one batch in one run', async () => {
    await newTokens(db, session, expired, 250);
    const result = await pruneOnce(db, small, { now: NOW });
    expect(result).toMatchObject({ refreshTokens: 250, total: 250, stopped: 'done' });
    expect(await db.$count(refreshTokens)).toBe(0);
  });

  it('stops at the per-run cap, sharing it between tables, and the next run goes on', async () => {
    await newTokens(db, session, expired, 250);
    await newAudit(db, at(-100 * DAY), 50);
    const capped = await pruneOnce(db, { ...small, maxRowsPerRun: 150 }, { now: NOW });
    // One batch per table per round: the audit rows are not starved by the token backlog.
    expect(capped).toMatchObject({ refreshTokens: 100, auditLog: 50, total: 150, stopped: 'cap' });
    expect(await db.$count(refreshTokens)).toBe(150);
    const rest = await pruneOnce(db, small, { now: NOW });
    expect(rest).toMatchObject({ refreshTokens: 150, auditLog: 0, total: 150, stopped: 'done' });
  });

  it('leaves the work to another instance holding the prune lock, and does it once the lock is free', async () => {
    await newTokens(db, session, expired, 3);
    const other = await holdInTransaction(
      testDb.url,
      sql`SELECT pg_advisory_xact_lock(hashtext('auth.prune'))`,
    );
    try {
      expect(await pruneOnce(db, small, { now: NOW })).toMatchObject({ total: 0, stopped: 'busy' });
      expect(await db.$count(refreshTokens)).toBe(3);
    } finally {
      await other.release();
    }
    expect(await pruneOnce(db, small, { now: NOW })).toMatchObject({ refreshTokens: 3, stopped: 'done' });
  });

  it('stops between batches once its signal aborts', async () => {
    await newTokens(db, session, expired, 30);
    const abort = new AbortController();
    abort.abort();
    expect(await pruneOnce(db, small, { now: NOW, signal: abort.signal })).toMatchObject({
      total: 0,
      stopped: 'aborted',
    });
    expect(await db.$count(refreshTokens)).toBe(30);
    await pruneOnce(db, small, { now: NOW });
  });

  // A fresh embedded PGlite migrating its schema takes tens of seconds on a busy 2-core machine.
  it('runs on PGlite too (one connection: the lock is always free)', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prune-pglite-'));
    const lite = await createDb({ service: 'auth', dataDir });
    try {
      const liteSession = await newSession(lite.db, await newUser(lite.db));
      await newTokens(lite.db, liteSession, expired, 5);
      const [live] = await newTokens(lite.db, liteSession, at(DAY));
      const result = await pruneOnce(lite.db, { ...small, batchSize: 2 }, { now: NOW });
      expect(result).toMatchObject({ refreshTokens: 5, stopped: 'done' });
      expect(await kept(lite.db, refreshTokens, [live!])).toEqual([live]);
    } finally {
      await lite.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('pruning in the running app', () => {
  let app: TestAuthApp;
  beforeAll(async () => {
    // No grace window: a rotated token presented again is reuse at once, without waiting it out.
    app = await startTestAuthApp({ REFRESH_REUSE_GRACE_SEC: '0' });
  });
  afterAll(() => app?.close());

  const prune = () => pruneOnce(app.deps.db, prunePolicyOf(app.deps.env));
  const refresh = (refreshToken: string) => app.mutate('auth.refresh', { refreshToken });

  it("leaves a live user's session working: refresh, me, sessions, and reuse detection of a rotated token", async () => {
    const user = await signUpAndLogIn(app);
    const gone = await signUpAndLogIn(app);
    expect((await app.mutate('auth.logout', undefined, bearer(gone.accessToken))).status).toBe(200);
    // That logout was more than a day ago, so its session and tokens are due.
    await app.deps.db
      .update(sessions)
      .set({ revokedAt: at(-2 * DAY) })
      .where(eq(sessions.userId, gone.user.id));
    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    const second = first.body.result.data.refreshToken as string;

    const result = await prune();
    expect(result.sessions).toBeGreaterThanOrEqual(1);
    expect(await app.deps.db.$count(sessions, eq(sessions.userId, gone.user.id))).toBe(0);

    const me = await app.query('auth.me', bearer(user.accessToken));
    expect(me.status).toBe(200);
    const listed = await app.query('auth.sessions', bearer(user.accessToken));
    expect(listed.body.result.data).toHaveLength(1);
    const third = await refresh(second);
    expect(third.status).toBe(200);
    // The rotated first token survived the prune, so presenting it again is still caught as reuse.
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await refresh(third.body.result.data.refreshToken)).status).toBe(401);
  });

  it('a prune racing "log out everywhere" does not delete the revocation it merges into; the relay delivers it', async () => {
    const { db } = app.deps;
    const user = await signUpAndLogIn(app);
    // An old "log out everywhere" of this user, relayed and long expired: due for pruning.
    await db.insert(revocations).values({
      kind: 'sub',
      subject: user.user.id,
      notBefore: at(-10 * DAY),
      expiresAt: at(-10 * DAY),
      relayedAt: at(-10 * DAY),
      reason: 'logout_all',
    });
    // Hold the revocation's transaction open after it merged into that row (so the row is locked with
    // its new version uncommitted) by blocking its audit insert, the statement that follows.
    const auditBlocker = await holdInTransaction(app.db.url, sql`LOCK TABLE ${auditLog} IN SHARE MODE`);
    let raced: Promise<[Awaited<ReturnType<typeof app.deps.revoker.revokeUser>>, PruneResult]>;
    try {
      const logoutAll = app.deps.revoker.revokeUser({
        userId: user.user.id,
        reason: 'logout_all',
        actor: user.user.id,
      });
      await vi.waitFor(() => waitingOn(db, '%insert into "auth"."audit_log"%'), { timeout: 5000 });
      // The prune neither waits for the locked row nor deletes it: it skips it, and finishes now. (Its
      // audit stage is left out: the table lock that holds the logout open would hold it too.)
      const pruning = pruneOnce(db, { ...prunePolicyOf(app.deps.env), auditSec: undefined });
      const pruned = await pruning;
      expect(pruned.revocations).toBe(0);
      raced = Promise.all([logoutAll, pruning]);
    } finally {
      await auditBlocker.release();
    }
    const [revoked, pruned] = await raced;
    expect(revoked.published).toBe(true);
    expect(pruned.revocations).toBe(0);
    const [row] = await db.select().from(revocations).where(eq(revocations.subject, user.user.id));
    expect(row?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(row?.relayedAt).not.toBeNull();
    const keys = revocationKeys(app.deps.env.REVOCATION_PREFIX);
    expect(await app.deps.redis.exists(keys.entry('sub', user.user.id))).toBe(1);
    const me = await app.query('auth.me', bearer(user.accessToken));
    expect(me.body?.error?.data?.reason).toBe('TOKEN_REVOKED');
  });

  it('`admin prune` runs one pass and prints the counts', async () => {
    const [old] = await newAudit(app.deps.db, at(-100 * DAY));
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'prune'], {
      env: {
        ...process.env,
        DATABASE_URL: app.db.url,
        REDIS_URL: app.deps.env.REDIS_URL,
        REVOCATION_PREFIX: app.deps.env.REVOCATION_PREFIX,
        LOG_LEVEL: 'silent',
      },
    });
    expect(result.stdout).toMatch(
      /^pruned [1-9]\d* rows: refresh_tokens \d+, sessions \d+, revocations \d+, audit_log [1-9]\d*$/m,
    );
    expect(await kept(app.deps.db, auditLog, [old!])).toEqual([]);
  }, 60_000);
});

const CLI = fileURLToPath(new URL('../admin/cli.ts', import.meta.url));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Runs `statement` in a transaction on a connection of its own and keeps that transaction (and the
 * locks it took) open until `release()`, which also closes the connection.
 */
async function holdInTransaction(url: string, statement: SQL): Promise<{ release(): Promise<void> }> {
  const other = await createDb({ service: 'auth', url, migrate: false });
  let end!: () => void;
  let taken!: () => void;
  const ready = new Promise<void>((resolve) => {
    taken = resolve;
  });
  const holding = other.db.transaction(async (tx) => {
    await tx.execute(statement);
    taken();
    await new Promise<void>((resolve) => {
      end = resolve;
    });
  });
  await Promise.race([ready, holding]).catch(async (error: unknown) => {
    await other.close();
    throw error;
  });
  return {
    async release() {
      end();
      await holding;
      await other.close();
    },
  };
}

/** Passes once a statement matching `pattern` waits for a lock in this database. */
async function waitingOn(db: AuthDb, pattern: string): Promise<void> {
  const result = (await db.execute(sql`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE ${pattern}
  `)) as unknown as { rows: { n: number }[] };
  if ((result.rows[0]?.n ?? 0) === 0) throw new Error('not waiting yet');
}
