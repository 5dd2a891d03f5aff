import { eq } from '@revoke/db';
import { refreshTokens, sessions, users } from '@revoke/db/auth';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRefreshToken } from './refresh-token.ts';
import { type RotateResult, rotateRefreshToken } from './rotate-refresh-token.ts';
import { startSession } from './session-store.ts';
import { openSuccessor, sealSuccessor } from './successor-seal.ts';

const GRACE_SEC = 5;
// The clock is the `now` option, moved by hand: no test waits for the window to pass.
const T0 = Date.now();

let testDb: TestDb<'auth'>;
beforeAll(async () => {
  testDb = await createTestDb('auth');
});
afterAll(() => testDb?.close());

const rotate = (token: string, now: number) =>
  rotateRefreshToken(testDb.db, token, { refreshTtlSec: 3600, graceSec: GRACE_SEC, now });

async function newSession(): Promise<{ sessionId: string; refreshToken: string }> {
  const [user] = await testDb.db
    .insert(users)
    .values({ email: `rotate-${Math.random().toString(36).slice(2)}@example.com`, passwordHash: 'x' })
    .returning({ id: users.id });
  return startSession(testDb.db, { userId: user!.id, userAgent: 'test', ip: undefined, refreshTtlSec: 3600 });
}

/** The session's refresh-token rows: all of them, and those never rotated (live). */
async function familyOf(sessionId: string): Promise<{ all: number; live: number }> {
  const rows = await testDb.db
    .select({ rotatedAt: refreshTokens.rotatedAt })
    .from(refreshTokens)
    .where(eq(refreshTokens.sessionId, sessionId));
  return { all: rows.length, live: rows.filter((row) => row.rotatedAt === null).length };
}

async function isRevoked(sessionId: string): Promise<boolean> {
  const [row] = await testDb.db
    .select({ revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(eq(sessions.id, sessionId));
  return row!.revokedAt !== null;
}

function issued(result: RotateResult): string {
  if (!result.ok) throw new Error(`expected a token, got ${result.reason}`);
  return result.refreshToken;
}

describe('rotateRefreshToken within the grace window (the grace window minted unlimited siblings)', () => {
  it('a rotated token redeemed again ten times returns the same successor every time, and mints no sibling', async () => {
    const { sessionId, refreshToken: r1 } = await newSession();
    const r2 = issued(await rotate(r1, T0));
    for (let i = 1; i <= 10; i++) {
      expect(issued(await rotate(r1, T0 + i * 400)), `redemption ${i}`).toBe(r2);
    }
    expect(await familyOf(sessionId)).toEqual({ all: 2, live: 1 });
    expect(await isRevoked(sessionId)).toBe(false);
  });

  it('concurrent redemptions of one token are serialised by the row lock and all get the one successor', async () => {
    const { sessionId, refreshToken: r1 } = await newSession();
    const results = await Promise.all(Array.from({ length: 6 }, () => rotate(r1, T0)));
    const tokens = results.map(issued);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(r1);
    expect(await familyOf(sessionId)).toEqual({ all: 2, live: 1 });
  });

  it("whichever holder uses the successor first rotates it; the other holder's later use of it is reuse", async () => {
    const { sessionId, refreshToken: r1 } = await newSession();
    const r2 = issued(await rotate(r1, T0));
    expect(issued(await rotate(r1, T0 + 1000))).toBe(r2);
    const r3 = issued(await rotate(r2, T0 + 2000));
    expect(r3).not.toBe(r2);
    const late = await rotate(r2, T0 + 2000 + GRACE_SEC * 1000 + 1);
    expect(late).toEqual({ ok: false, reason: 'reused', sessionId, userId: expect.any(String) });
  });

  it('after the window the rotated token is reuse, although its successor is sealed on the row', async () => {
    const { sessionId, refreshToken: r1 } = await newSession();
    issued(await rotate(r1, T0));
    const late = await rotate(r1, T0 + GRACE_SEC * 1000 + 1);
    expect(late).toMatchObject({ ok: false, reason: 'reused', sessionId });
  });

  it('the row keeps the successor only sealed: not in clear, and opened only by the rotated token', async () => {
    const { refreshToken: r1 } = await newSession();
    const r2 = issued(await rotate(r1, T0));
    const [row] = await testDb.db
      .select({ successorSealed: refreshTokens.successorSealed })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(r1)));
    const sealed = row!.successorSealed!;
    expect(sealed).not.toContain(r2);
    expect(openSuccessor(hashRefreshToken(r1), sealed)).toBeUndefined();
    expect(openSuccessor(r1, sealed)).toBe(r2);
  });
});

describe('rotateRefreshToken with a rotated row that has no readable seal', () => {
  /** Replaces the seal on `token`'s row, as code older than the seal (null) or a tamperer would. */
  async function setSeal(token: string, sealed: string | null): Promise<void> {
    await testDb.db
      .update(refreshTokens)
      .set({ successorSealed: sealed })
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)));
  }

  it.each([
    ['rotated by older code (no seal)', () => null],
    ['sealed for another token', () => sealSuccessor('another-token', 'x'.repeat(43))],
  ])(
    '%s: refused within the window without a sibling or a revocation; reuse after it',
    async (_name, seal) => {
      const { sessionId, refreshToken: r1 } = await newSession();
      const r2 = issued(await rotate(r1, T0));
      await setSeal(r1, seal());
      expect(await rotate(r1, T0 + 1000)).toEqual({ ok: false, reason: 'superseded' });
      expect(await familyOf(sessionId)).toEqual({ all: 2, live: 1 });
      expect(await isRevoked(sessionId)).toBe(false);
      // The holder of the successor is not affected.
      expect(issued(await rotate(r2, T0 + 2000))).not.toBe(r2);
      expect(await familyOf(sessionId)).toEqual({ all: 3, live: 1 });
      expect(await rotate(r1, T0 + GRACE_SEC * 1000 + 1)).toMatchObject({ ok: false, reason: 'reused' });
    },
  );
});
