import { randomUUID } from 'node:crypto';
import { eq } from '@revoke/db';
import { events } from '@revoke/db/activity';
import { REVOKED_CALL_ERROR, untilRefused } from '@revoke/testkit/service-contract';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIST_LIMIT } from './events.ts';
import { appRouter } from './router.ts';
import { startTestActivity, type TestActivity } from './testing/test-activity.ts';
import { createActivityContext, createCallerFactory } from './trpc.ts';

let activity: TestActivity;
beforeAll(async () => {
  activity = await startTestActivity();
});
afterAll(() => activity?.close());

/** A caller as a request with these headers would get. */
function callerFor(headers: Record<string, string>) {
  return createCallerFactory(appRouter)(createActivityContext(activity.deps, headers));
}

/** A caller as notes is when it calls on behalf of a user: the user's token and its own service token. */
async function callerWithToken(sub: string) {
  const token = await activity.token(sub);
  return { token, caller: callerFor(await activity.asNotes(token)) };
}

describe('activity procedures through createCaller', () => {
  it('records events in the caller’s own feed and lists them newest first, per user', async () => {
    const alice = await callerWithToken(`alice-${randomUUID()}`);
    const bob = await callerWithToken(`bob-${randomUUID()}`);
    const [first, second] = [randomUUID(), randomUUID()];
    const recorded = await alice.caller.activity.record({ kind: 'note.created', detail: { noteId: first } });
    expect(recorded).toMatchObject({ kind: 'note.created', detail: { noteId: first } });
    expect(Number.isNaN(Date.parse(recorded.createdAt))).toBe(false);
    await alice.caller.activity.record({ kind: 'note.deleted', detail: { noteId: second } });
    await bob.caller.activity.record({ kind: 'note.created', detail: { noteId: randomUUID() } });

    const aliceFeed = await alice.caller.activity.list();
    expect(aliceFeed.map((e) => [e.kind, e.detail])).toEqual([
      ['note.deleted', { noteId: second }],
      ['note.created', { noteId: first }],
    ]);
    const bobFeed = await bob.caller.activity.list();
    expect(bobFeed).toHaveLength(1);
    expect(bobFeed.map((e) => e.id)).not.toContain(recorded.id);
  });

  it(`lists at most ${LIST_LIMIT} events, the newest`, async () => {
    const sub = `busy-${randomUUID()}`;
    const rows = Array.from({ length: LIST_LIMIT + 5 }, () => ({
      userId: sub,
      kind: 'note.created',
      detail: { noteId: randomUUID() },
    }));
    const inserted = await activity.db.db.insert(events).values(rows).returning({ id: events.id });
    const { caller } = await callerWithToken(sub);
    const feed = await caller.activity.list();
    expect(feed).toHaveLength(LIST_LIMIT);
    expect(feed[0]!.id).toBe(Math.max(...inserted.map((r) => r.id)));
  });

  it('refuses a call without a token with TOKEN_MISSING', async () => {
    await expect(callerFor({}).activity.list()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      cause: { code: 'TOKEN_MISSING' },
    });
  });

  it('refuses a revoked token with TOKEN_REVOKED, for list and record', async () => {
    const { token, caller } = await callerWithToken(`carol-${randomUUID()}`);
    expect(await caller.activity.list()).toEqual([]);
    await activity.revoke(token);
    await untilRefused(() => caller.activity.list());
    await expect(caller.activity.list()).rejects.toMatchObject(REVOKED_CALL_ERROR);
    await expect(
      caller.activity.record({ kind: 'note.created', detail: { noteId: randomUUID() } }),
    ).rejects.toMatchObject(REVOKED_CALL_ERROR);
    const written = await activity.db.db
      .select()
      .from(events)
      .where(eq(events.userId, decodeJwt(token).sub!));
    expect(written).toEqual([]);
  });
});
