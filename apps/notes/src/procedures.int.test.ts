import { randomUUID } from 'node:crypto';
import { eq } from '@revoke/db';
import { notes } from '@revoke/db/notes';
import { REVOKED_CALL_ERROR, untilRefused } from '@revoke/testkit/service-contract';
import { bearer } from '@revoke/testkit/trpc-http';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFleet, type TestFleet } from './testing/test-notes.ts';

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet?.close());

async function userCaller(label: string) {
  const token = await fleet.issuer.token(`${label}-${randomUUID()}`);
  return { token, caller: fleet.notes.caller(bearer(token)) };
}

async function activityOf(token: string) {
  const response = await fleet.activityQuery('activity.list', bearer(token));
  expect(response.status, response.text).toBe(200);
  return response.body.result.data as { kind: string; detail: { noteId: string } }[];
}

describe('notes procedures through createCaller', () => {
  it('creates, lists and deletes a user’s notes, and no user sees another’s', async () => {
    const alice = await userCaller('alice');
    const bob = await userCaller('bob');
    const first = await alice.caller.notes.create({ body: 'first' });
    const second = await alice.caller.notes.create({ body: 'second' });
    const bobs = await bob.caller.notes.create({ body: 'bob’s' });
    expect(first).toEqual({ id: expect.any(String), body: 'first', createdAt: expect.any(String) });

    expect((await alice.caller.notes.list()).map((n) => n.body)).toEqual(['second', 'first']);
    expect(await bob.caller.notes.list()).toEqual([bobs]);

    expect(await alice.caller.notes.delete({ id: first.id })).toEqual({ ok: true, id: first.id });
    expect(await alice.caller.notes.list()).toEqual([second]);
    expect(await bob.caller.notes.list()).toEqual([bobs]);
  });

  it('records every change in activity with the caller’s own token, visible in activity.list', async () => {
    const { token, caller } = await userCaller('carol');
    const note = await caller.notes.create({ body: 'tracked' });
    await caller.notes.delete({ id: note.id });
    expect((await activityOf(token)).map((e) => [e.kind, e.detail.noteId])).toEqual([
      ['note.deleted', note.id],
      ['note.created', note.id],
    ]);
    const other = await userCaller('dave');
    expect(await activityOf(other.token)).toEqual([]);
  });

  it('answers NOT_FOUND for another user’s note and for a missing one alike, and deletes nothing', async () => {
    const owner = await userCaller('owner');
    const intruder = await userCaller('intruder');
    const note = await owner.caller.notes.create({ body: 'mine' });
    const eventsBefore = (await activityOf(intruder.token)).length;
    for (const id of [note.id, randomUUID()]) {
      await expect(intruder.caller.notes.delete({ id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'Note not found',
      });
    }
    expect(await owner.caller.notes.list()).toEqual([note]);
    expect(await activityOf(intruder.token)).toHaveLength(eventsBefore);
  });

  it('refuses a call without a token with TOKEN_MISSING', async () => {
    await expect(fleet.notes.caller({}).notes.list()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      cause: { code: 'TOKEN_MISSING' },
    });
  });

  it('refuses a revoked token with TOKEN_REVOKED on every procedure', async () => {
    const { token, caller } = await userCaller('erin');
    const note = await caller.notes.create({ body: 'before logout' });
    await fleet.revocations.revoke(token);
    await untilRefused(() => caller.notes.list());
    await expect(caller.notes.list()).rejects.toMatchObject(REVOKED_CALL_ERROR);
    await expect(caller.notes.create({ body: 'after logout' })).rejects.toMatchObject(REVOKED_CALL_ERROR);
    await expect(caller.notes.delete({ id: note.id })).rejects.toMatchObject(REVOKED_CALL_ERROR);
    const rows = await fleet.notes.db.db
      .select()
      .from(notes)
      .where(eq(notes.userId, decodeJwt(token).sub!));
    expect(rows.map((row) => row.body)).toEqual(['before logout']);
  });
});
