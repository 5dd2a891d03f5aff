import { randomUUID } from 'node:crypto';
import { count } from '@revoke/db';
import { events } from '@revoke/db/activity';
import { notes } from '@revoke/db/notes';
import { bearer } from '@revoke/testkit/trpc-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_LENGTH } from './inputs.ts';
import { startTestFleet, type TestFleet } from './testing/test-notes.ts';

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet?.close());

/** Rows in notes and in activity: hostile input must change neither. */
async function written(): Promise<[number, number]> {
  const [noteRows] = await fleet.notes.db.db.select({ n: count() }).from(notes);
  const [eventRows] = await fleet.activity.db.db.select({ n: count() }).from(events);
  return [noteRows!.n, eventRows!.n];
}

describe('notes refuse hostile inputs with a 4xx and write nothing, here or in activity', () => {
  it.each([
    ['no input', undefined],
    ['an empty body', { body: '' }],
    ['a blank body', { body: '   \n' }],
    ['a body one past the limit', { body: 'x'.repeat(MAX_BODY_LENGTH + 1) }],
    ['a NUL character (Postgres text cannot hold it)', { body: 'a\u0000b' }],
    ['a number', { body: 1 }],
    ['an object', { body: { $ne: null } }],
    ['an extra key naming another user', { body: 'x', userId: 'victim' }],
    ['a bare string', 'just a string'],
  ])('notes.create with %s → 400', async (_, input) => {
    const before = await written();
    const response = await fleet.notes.mutate('notes.create', input, bearer(await fleet.issuer.token()));
    expect(response.status, response.text).toBe(400);
    expect(response.body.error.data.code).toBe('BAD_REQUEST');
    expect(response.text).not.toMatch(/stack|\.ts:\d/);
    expect(await written()).toEqual(before);
  });

  it.each([
    ['no input', undefined],
    ['a non-uuid id', { id: 'abc' }],
    ['SQL in the id', { id: "' OR '1'='1" }],
    ['a numeric id', { id: 7 }],
    ['an extra key', { id: randomUUID(), userId: 'victim' }],
  ])('notes.delete with %s → 400', async (_, input) => {
    const token = await fleet.issuer.token();
    await fleet.notes.mutate('notes.create', { body: 'keep me' }, bearer(token));
    const before = await written();
    const response = await fleet.notes.mutate('notes.delete', input, bearer(token));
    expect(response.status, response.text).toBe(400);
    expect(await written()).toEqual(before);
  });

  it('a request body past the server limit gets 413', async () => {
    const before = await written();
    const response = await fetch(`${fleet.notes.url}/trpc/notes.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(await fleet.issuer.token()) },
      body: JSON.stringify({ body: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
    expect(await written()).toEqual(before);
  });

  it('a cookie-authenticated create without the CSRF header gets 403', async () => {
    const before = await written();
    const response = await fleet.notes.mutate(
      'notes.create',
      { body: 'csrf' },
      { cookie: `access_token=${await fleet.issuer.token()}` },
    );
    expect(response.status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it.each([
    ['no token', {}, 'TOKEN_MISSING'],
    ['garbage', bearer('not-a-jwt'), 'TOKEN_INVALID'],
    ['an unsigned token', bearer('eyJhbGciOiJub25lIn0.e30.'), 'TOKEN_INVALID'],
  ])('a create with %s gets 401 %s', async (_, headers, reason) => {
    const before = await written();
    const response = await fleet.notes.mutate('notes.create', { body: 'x' }, headers);
    expect(response.status).toBe(401);
    expect(response.body.error.data.reason).toBe(reason);
    expect(await written()).toEqual(before);
  });
});
