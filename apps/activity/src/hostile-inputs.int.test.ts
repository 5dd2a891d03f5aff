import { randomUUID } from 'node:crypto';
import { count } from '@revoke/db';
import { events } from '@revoke/db/activity';
import { bearer } from '@revoke/testkit/trpc-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestActivity, type TestActivity } from './testing/test-activity.ts';

let activity: TestActivity;
beforeAll(async () => {
  activity = await startTestActivity();
});
afterAll(() => activity?.close());

async function eventCount(): Promise<number> {
  const [row] = await activity.db.db.select({ n: count() }).from(events);
  return row!.n;
}

describe('activity.record refuses hostile inputs with a 4xx and writes nothing', () => {
  const noteId = randomUUID();
  it.each([
    ['no input', undefined],
    ['an unknown kind', { kind: 'admin.granted', detail: { noteId } }],
    ['a non-uuid note id', { kind: 'note.created', detail: { noteId: "1' OR '1'='1" } }],
    ['a wrong type', { kind: 7, detail: { noteId } }],
    ['an extra key naming another user', { kind: 'note.created', detail: { noteId }, userId: 'victim' }],
    ['an extra key in detail', { kind: 'note.created', detail: { noteId, x: 1 } }],
    ['a string body', 'note.created'],
  ])('%s', async (_, input) => {
    const before = await eventCount();
    const response = await activity.mutate(
      'activity.record',
      input,
      await activity.asNotes(await activity.token()),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.data.code).toBe('BAD_REQUEST');
    expect(response.text).not.toMatch(/stack|\.ts:\d/);
    expect(await eventCount()).toBe(before);
  });

  it('a body past the size limit gets 413', async () => {
    const before = await eventCount();
    const response = await fetch(`${activity.url}/trpc/activity.record`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await activity.asNotes(await activity.token())) },
      body: JSON.stringify({ kind: 'note.created', detail: { noteId }, pad: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
    expect(await eventCount()).toBe(before);
  });

  it('malformed JSON gets a 4xx', async () => {
    const response = await fetch(`${activity.url}/trpc/activity.record`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await activity.asNotes(await activity.token())) },
      body: '{"kind":',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('a cookie-authenticated record without the CSRF header gets 403', async () => {
    const before = await eventCount();
    const response = await activity.mutate(
      'activity.record',
      { kind: 'note.created', detail: { noteId } },
      { cookie: `access_token=${await activity.token()}` },
    );
    expect(response.status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it('a forged token gets 401 TOKEN_INVALID', async () => {
    const response = await activity.mutate(
      'activity.record',
      { kind: 'note.created', detail: { noteId } },
      bearer('eyJhbGciOiJub25lIn0.e30.'),
    );
    expect(response.status).toBe(401);
    expect(response.body.error.data.reason).toBe('TOKEN_INVALID');
  });
});
