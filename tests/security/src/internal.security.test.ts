import { randomUUID } from 'node:crypto';
import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Device } from './harness/accounts.ts';
import { expectRefused, expectUnauthorized, show } from './harness/expect-refused.ts';
import { createNote, expectAccepted } from './harness/fleet-calls.ts';
import { bearer, mutate, send } from './harness/http.ts';
import { type Stack, startStackWithUser } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';

let stack: Stack;
let user: Account & Device;
beforeAll(async () => {
  ({ stack, user } = await startStackWithUser('internal'));
});
afterAll(() => stack?.close());

/** A service token from the auth app, as notes gets one (client credentials, the stack's secret). */
async function serviceToken(audience: string): Promise<string> {
  const credentials = Buffer.from(`notes:${stack.env.SERVICE_CLIENT_SECRET}`).toString('base64');
  const answer = await send(`${stack.auth.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${credentials}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', audience }).toString(),
  });
  expect(answer.status, show('/oauth/token', answer)).toBe(200);
  return answer.body.access_token;
}

const record = (headers: Record<string, string>) =>
  mutate(
    stack.activity.url,
    'activity.record',
    { kind: 'note.created', detail: { noteId: randomUUID() } },
    headers,
  );

describe('internal procedures refuse a user’s token presented directly', () => {
  it('activity.record with the user’s own valid token → 403, no event written', async () => {
    const before = await snapshot(stack);
    const answer = await record(bearer(user.accessToken));
    expectRefused(answer, 'activity.record', { status: 403 });
    expect(answer.body.error.data.reason).toBeUndefined();
    expect(await snapshot(stack)).toEqual(before);
    // The same token still works at every user-facing procedure (the tutorial's flow).
    await expectAccepted(stack, user.accessToken);
  });

  it('activity.record with the user’s token in the service header too → 403, nothing written', async () => {
    const before = await snapshot(stack);
    const answer = await record({
      ...bearer(user.accessToken),
      [SERVICE_TOKEN_HEADER]: `Bearer ${user.accessToken}`,
    });
    expectRefused(answer, 'activity.record', { status: 403 });
    expect(await snapshot(stack)).toEqual(before);
  });

  it('notes still records every change in activity for the user, with its own credential', async () => {
    const before = await snapshot(stack);
    await createNote(stack, user.accessToken, 'recorded through notes');
    const after = await snapshot(stack);
    expect(after.notes).toBe(before.notes + 1);
    expect(after.events).toBe(before.events + 1);
    const feed = await send(`${stack.activity.url}/trpc/activity.list`, {
      headers: bearer(user.accessToken),
    });
    expect(feed.body.result.data[0]).toMatchObject({ kind: 'note.created' });
  });
});

describe('a token minted for one service goes nowhere else', () => {
  it('a service token for activity is no user token: 401 TOKEN_INVALID at every user-facing procedure', async () => {
    const token = await serviceToken('activity');
    const before = await snapshot(stack);
    for (const [label, answer] of [
      ['auth.me', await send(`${stack.auth.url}/trpc/auth.me`, { headers: bearer(token) })],
      ['notes.list', await send(`${stack.notes.url}/trpc/notes.list`, { headers: bearer(token) })],
      ['notes.create', await mutate(stack.notes.url, 'notes.create', { body: 'x' }, bearer(token))],
      ['activity.list', await send(`${stack.activity.url}/trpc/activity.list`, { headers: bearer(token) })],
      ['auth.logoutAll', await mutate(stack.auth.url, 'auth.logoutAll', undefined, bearer(token))],
    ] as const) {
      expectUnauthorized(answer, label, 'TOKEN_INVALID');
    }
    expect(await snapshot(stack)).toEqual(before);
  });

  it('a service token minted for notes is refused as a credential at activity: 403, nothing written', async () => {
    const forNotes = await serviceToken('notes');
    const before = await snapshot(stack);
    const answer = await record({
      ...bearer(user.accessToken),
      [SERVICE_TOKEN_HEADER]: `Bearer ${forNotes}`,
    });
    expectRefused(answer, 'activity.record', { status: 403 });
    expect(await snapshot(stack)).toEqual(before);
  });

  it('a service token is never minted for the user audience, nor without the client secret', async () => {
    const userAudience = await send(`${stack.auth.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`notes:${stack.env.SERVICE_CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', audience: 'revoke' }).toString(),
    });
    expect(userAudience.status, show('/oauth/token', userAudience)).toBe(400);
    expect(userAudience.body.error).toBe('invalid_target');
    const guessed = await send(`${stack.auth.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('notes:guess').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', audience: 'activity' }).toString(),
    });
    expect(guessed.status).toBe(401);
    expect(guessed.body.error).toBe('invalid_client');
  });
});
