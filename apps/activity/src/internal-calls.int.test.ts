import { randomUUID } from 'node:crypto';
import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
import { count } from '@revoke/db';
import { events } from '@revoke/db/activity';
import { untilRefused } from '@revoke/testkit/service-contract';
import { bearer } from '@revoke/testkit/trpc-http';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestActivity, type TestActivity } from './testing/test-activity.ts';

let activity: TestActivity;
beforeAll(async () => {
  activity = await startTestActivity();
});
afterAll(() => activity?.close());

const event = () => ({ kind: 'note.created', detail: { noteId: randomUUID() } });
const written = async () => (await activity.db.db.select({ n: count() }).from(events))[0]!.n;
const service = (token: string) => ({ [SERVICE_TOKEN_HEADER]: `Bearer ${token}` });

describe('activity.record is internal: only a listed service, on behalf of a user', () => {
  it('notes, with its service token beside the user’s, records in the user’s feed', async () => {
    const user = await activity.token(`user-${randomUUID()}`);
    const answer = await activity.mutate('activity.record', event(), await activity.asNotes(user));
    expect(answer.status, answer.text).toBe(200);
    const feed = await activity.query('activity.list', bearer(user));
    expect(feed.body.result.data).toHaveLength(1);
  });

  it.each([
    ['the user’s own token alone', async (user: string) => bearer(user)],
    ['the user’s token in both places', async (user: string) => ({ ...bearer(user), ...service(user) })],
    [
      'a service token of a caller activity does not list',
      async (user: string) => ({ ...bearer(user), ...service(await activity.serviceToken('billing')) }),
    ],
    [
      'a service token minted for another service (aud notes)',
      async (user: string) => ({
        ...bearer(user),
        ...service(await activity.serviceToken('notes', { aud: 'notes' })),
      }),
    ],
    [
      'a service token from another issuer',
      async (user: string) => ({
        ...bearer(user),
        ...service(await activity.serviceToken('notes', { iss: 'https://evil.example' })),
      }),
    ],
    [
      'a service credential in another scheme',
      async (user: string) => ({ ...bearer(user), [SERVICE_TOKEN_HEADER]: 'Basic bm90ZXM6eA==' }),
    ],
  ])('%s → 403, nothing written', async (_name, headers) => {
    const before = await written();
    const user = await activity.token(`user-${randomUUID()}`);
    const answer = await activity.mutate('activity.record', event(), await headers(user));
    expect(answer.status, answer.text).toBe(403);
    expect(answer.body.error.data.code).toBe('FORBIDDEN');
    // No auth reason: the caller must not read it as the user's own token being refused.
    expect(answer.body.error.data.reason).toBeUndefined();
    expect(answer.text).not.toMatch(/stack|\.ts:\d/);
    expect(await written()).toBe(before);
  });

  it('a revoked service token → 403, nothing written', async () => {
    const serviceToken = await activity.serviceToken();
    await activity.revoke(serviceToken);
    // The revocation arrives by pub/sub: wait until this service's feed has it.
    await untilRefused(() => activity.deps.auth.serviceGuard!.authenticate(serviceToken));
    const before = await written();
    const user = await activity.token(`user-${randomUUID()}`);
    const answer = await activity.mutate('activity.record', event(), {
      ...bearer(user),
      ...service(serviceToken),
    });
    expect(answer.status, answer.text).toBe(403);
    expect(answer.body.error.message).toContain('TOKEN_REVOKED');
    expect(answer.body.error.data.reason).toBeUndefined();
    expect(await written()).toBe(before);
  });

  it('a service token opens no user-facing procedure: 401 TOKEN_INVALID (wrong audience)', async () => {
    const answer = await activity.query('activity.list', bearer(await activity.serviceToken()));
    expect(answer.status).toBe(401);
    expect(answer.body.error.data.reason).toBe('TOKEN_INVALID');
  });

  it('the event belongs to the forwarded user, not to the calling service', async () => {
    const user = await activity.token(`user-${randomUUID()}`);
    await activity.mutate('activity.record', event(), await activity.asNotes(user));
    const feed = await activity.query('activity.list', bearer(user));
    expect(feed.body.result.data).toHaveLength(1);
    expect(decodeJwt(user).sub).not.toBe('notes');
  });
});
