import { randomUUID } from 'node:crypto';
import * as contract from '@revoke/testkit/service-contract';
import { startedForSuite } from '@revoke/testkit/suite';
import { bearer } from '@revoke/testkit/trpc-http';
import { describe, expect, it } from 'vitest';
import { startTestActivity } from './testing/test-activity.ts';

describe('activity over HTTP', () => {
  const activity = startedForSuite(() => startTestActivity());

  it('records and lists over plain JSON, each user seeing only their own events', async () => {
    const alice = await activity().token(`alice-${randomUUID()}`);
    const bob = await activity().token(`bob-${randomUUID()}`);
    const noteId = randomUUID();
    const recorded = await activity().mutate(
      'activity.record',
      { kind: 'note.created', detail: { noteId } },
      await activity().asNotes(alice),
    );
    expect(recorded.status).toBe(200);
    expect(recorded.body.result.data).toMatchObject({ kind: 'note.created', detail: { noteId } });

    const aliceFeed = await activity().query('activity.list', bearer(alice));
    expect(aliceFeed.status).toBe(200);
    expect(aliceFeed.body.result.data).toEqual([
      {
        id: recorded.body.result.data.id,
        kind: 'note.created',
        detail: { noteId },
        createdAt: expect.any(String),
      },
    ]);
    const bobFeed = await activity().query('activity.list', bearer(bob));
    expect(bobFeed.body.result.data).toEqual([]);
  });

  it('accepts the tutorial’s bare Authorization header', async () => {
    const token = await activity().token();
    expect((await activity().query('activity.list', { authorization: token })).status).toBe(200);
  });

  it('answers 401 TOKEN_REVOKED with "Token revoked (logged out)" once the token is revoked', async () => {
    const token = await activity().token();
    expect((await activity().query('activity.list', bearer(token))).status).toBe(200);
    await activity().revoke(token);
    await contract.untilStatus(() => activity().query('activity.list', bearer(token)), 401);
    for (const response of [
      await activity().query('activity.list', bearer(token)),
      await activity().mutate(
        'activity.record',
        { kind: 'note.created', detail: { noteId: randomUUID() } },
        await activity().asNotes(token),
      ),
    ])
      contract.expectRevokedAnswer(response);
  });

  it('serves /healthz, /readyz and /metrics with revoke_auth_checks_total', async () => {
    await contract.expectProbesAndMetrics(activity().url);
  });
});

describe('activity readiness', () => {
  // No epoch in Redis: the feed cannot load a snapshot it could trust.
  const activity = startedForSuite(() => startTestActivity({ setEpoch: false, waitForFeed: false }));

  it('answers /readyz 503 before the first snapshot, refuses requests with 503, and is ready once Redis has an epoch', async () => {
    await contract.expectReadyOnlyWithEpoch({
      url: activity().url,
      call: async () => activity().query('activity.list', bearer(await activity().token())),
      setEpoch: () => activity().writer.setEpoch(),
    });
  });
});
