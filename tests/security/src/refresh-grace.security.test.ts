import { createHash } from 'node:crypto';
import { and, count, eq, isNull } from '@revoke/db';
import { refreshTokens, sessions } from '@revoke/db/auth';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Device, signUp } from './harness/accounts.ts';
import { expectUnauthorized, show } from './harness/expect-refused.ts';
import { expectAccepted } from './harness/fleet-calls.ts';
import { type Answer, bearer, mutate, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';

// The shipped default, stated so the waits below match the fleet under test.
const GRACE_SEC = 5;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ REFRESH_REUSE_GRACE_SEC: String(GRACE_SEC) });
});
afterAll(() => stack?.close());

const refresh = (refreshToken: string) => mutate(stack.auth.url, 'auth.refresh', { refreshToken });

/** A successful refresh's new pair. */
function pairOf(answer: Answer, label: string): { accessToken: string; refreshToken: string } {
  expect(answer.status, show(label, answer)).toBe(200);
  return answer.body.result.data;
}

/** The session's refresh tokens that were never rotated: each one can mint the next. */
async function liveRefreshTokens(sessionId: string): Promise<number> {
  const [row] = await stack.db.auth
    .select({ n: count() })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.sessionId, sessionId), isNull(refreshTokens.rotatedAt)));
  return row?.n ?? 0;
}

/** When `token` was rotated, read from its row (found by its hash, as the auth app stores it). */
async function rotatedAtOf(token: string): Promise<number> {
  const [row] = await stack.db.auth
    .select({ rotatedAt: refreshTokens.rotatedAt })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, createHash('sha256').update(token).digest('hex')));
  expect(row?.rotatedAt, 'the token was rotated').toBeInstanceOf(Date);
  return row!.rotatedAt!.getTime();
}

/** Sleeps until the grace window of a rotation at `rotatedAt` has surely passed. */
async function waitOutWindow(rotatedAt: number): Promise<void> {
  const wait = rotatedAt + GRACE_SEC * 1000 + 300 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** The session is revoked: every access token refused by every service, with TOKEN_REVOKED. */
async function expectSessionRevoked(device: Device, accessTokens: string[]): Promise<void> {
  const [row] = await stack.db.auth
    .select({ revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(eq(sessions.id, device.sessionId));
  expect(row?.revokedAt, 'sessions.revoked_at').toBeInstanceOf(Date);
  for (const token of accessTokens) {
    for (const [label, url] of [
      ['auth.me', `${stack.auth.url}/trpc/auth.me`],
      ['notes.list', `${stack.notes.url}/trpc/notes.list`],
      ['activity.list', `${stack.activity.url}/trpc/activity.list`],
    ] as const) {
      // notes and activity learn of the revocation over pub/sub: one hop, not instantly.
      await expect
        .poll(async () => (await send(url, { headers: bearer(token) })).status, {
          timeout: 2000,
          interval: 10,
        })
        .toBe(401);
      expectUnauthorized(await send(url, { headers: bearer(token) }), label, 'TOKEN_REVOKED');
    }
  }
}

describe('the refresh grace window returns one successor and never forks the family', () => {
  it('a just-rotated token redeemed again and again gets the same successor; after the window it revokes the session', async () => {
    const device = await signUp(stack.auth.url, 'tabs');
    const r2 = pairOf(await refresh(device.refreshToken), 'first refresh');
    const rotatedAt = await rotatedAtOf(device.refreshToken);
    expect(await liveRefreshTokens(device.sessionId)).toBe(1);
    const before = await snapshot(stack);

    const accessTokens = [device.accessToken, r2.accessToken];
    for (let i = 1; i <= 5; i++) {
      const again = pairOf(await refresh(device.refreshToken), `redemption ${i} within the window`);
      expect(again.refreshToken, `redemption ${i}`).toBe(r2.refreshToken);
      expect(decodeJwt(again.accessToken).sid).toBe(device.sessionId);
      accessTokens.push(again.accessToken);
    }
    // Else the redemptions above were not the case under test.
    expect(Date.now() - rotatedAt).toBeLessThan(GRACE_SEC * 1000);
    expect(await liveRefreshTokens(device.sessionId)).toBe(1);
    const after = await snapshot(stack);
    expect(after.refreshTokens).toBe(before.refreshTokens);
    expect(after.revokedSessions).toBe(before.revokedSessions);
    await expectAccepted(stack, accessTokens.at(-1)!, 'an access token minted within the window');

    await waitOutWindow(rotatedAt);
    expectUnauthorized(await refresh(device.refreshToken), 'reuse after the window', 'TOKEN_REVOKED');
    await expectSessionRevoked(device, accessTokens);
    expectUnauthorized(await refresh(r2.refreshToken), 'the successor after reuse', 'TOKEN_REVOKED');
  });

  it("a thief who redeems a stolen, just-rotated token shares the victim's successor: the victim rotates it first, the thief's later use revokes the session", async () => {
    const victim = await signUp(stack.auth.url, 'victim');
    const r2 = pairOf(await refresh(victim.refreshToken), 'victim refreshes');
    const stolen = pairOf(await refresh(victim.refreshToken), 'thief redeems the copied token');
    const r3 = pairOf(await refresh(r2.refreshToken), 'victim refreshes again');
    const live = await liveRefreshTokens(victim.sessionId);

    await waitOutWindow(await rotatedAtOf(r2.refreshToken));
    // A sibling (the defect) would still be unrotated here, and refresh the thief's fork for ever.
    expectUnauthorized(await refresh(stolen.refreshToken), 'the thief, after the window', 'TOKEN_REVOKED');
    expect(stolen.refreshToken).toBe(r2.refreshToken);
    expect(r3.refreshToken).not.toBe(r2.refreshToken);
    expect(live).toBe(1);
    await expectSessionRevoked(victim, [
      victim.accessToken,
      r2.accessToken,
      stolen.accessToken,
      r3.accessToken,
    ]);
    expectUnauthorized(await refresh(r3.refreshToken), "the victim's newest token", 'TOKEN_REVOKED');
  });
});
