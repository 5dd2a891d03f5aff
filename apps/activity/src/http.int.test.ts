import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, eventually, startTestActivity, type TestActivity } from './testing/test-activity.ts';

describe('activity over HTTP', () => {
  let activity: TestActivity;
  beforeAll(async () => {
    activity = await startTestActivity();
  });
  afterAll(() => activity?.close());

  it('records and lists over plain JSON, each user seeing only their own events', async () => {
    const alice = await activity.token(`alice-${randomUUID()}`);
    const bob = await activity.token(`bob-${randomUUID()}`);
    const noteId = randomUUID();
    const recorded = await activity.mutate(
      'activity.record',
      { kind: 'note.created', detail: { noteId } },
      await activity.asNotes(alice),
    );
    expect(recorded.status).toBe(200);
    expect(recorded.body.result.data).toMatchObject({ kind: 'note.created', detail: { noteId } });

    const aliceFeed = await activity.query('activity.list', bearer(alice));
    expect(aliceFeed.status).toBe(200);
    expect(aliceFeed.body.result.data).toEqual([
      {
        id: recorded.body.result.data.id,
        kind: 'note.created',
        detail: { noteId },
        createdAt: expect.any(String),
      },
    ]);
    const bobFeed = await activity.query('activity.list', bearer(bob));
    expect(bobFeed.body.result.data).toEqual([]);
  });

  it('accepts the tutorial’s bare Authorization header', async () => {
    const token = await activity.token();
    expect((await activity.query('activity.list', { authorization: token })).status).toBe(200);
  });

  it('answers 401 TOKEN_REVOKED with "Token revoked (logged out)" once the token is revoked', async () => {
    const token = await activity.token();
    expect((await activity.query('activity.list', bearer(token))).status).toBe(200);
    await activity.revoke(token);
    await eventually(async () => (await activity.query('activity.list', bearer(token))).status === 401);
    for (const response of [
      await activity.query('activity.list', bearer(token)),
      await activity.mutate(
        'activity.record',
        { kind: 'note.created', detail: { noteId: randomUUID() } },
        await activity.asNotes(token),
      ),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body.error.message).toBe('Token revoked (logged out)');
      expect(response.body.error.data).toMatchObject({
        code: 'UNAUTHORIZED',
        httpStatus: 401,
        reason: 'TOKEN_REVOKED',
      });
      expect(response.text).not.toMatch(/stack|\.ts:\d/);
    }
  });

  it('serves /healthz, /readyz and /metrics with revoke_auth_checks_total', async () => {
    expect((await fetch(`${activity.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${activity.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { feed: true, postgres: true } });
    const metrics = await fetch(`${activity.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^revoke_auth_checks_total\{result="ok"\} [1-9]/m);
    expect(text).toMatch(/^revoke_auth_checks_total\{result="revoked"\} [1-9]/m);
  });
});

describe('activity readiness', () => {
  let activity: TestActivity;
  beforeAll(async () => {
    // No epoch in Redis: the feed cannot load a snapshot it could trust.
    activity = await startTestActivity({ setEpoch: false, waitForFeed: false });
  });
  afterAll(() => activity?.close());

  it('answers /readyz 503 before the first snapshot, refuses requests with 503, and is ready once Redis has an epoch', async () => {
    const before = await fetch(`${activity.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false, checks: { feed: false, postgres: true } });
    const refused = await activity.query('activity.list', bearer(await activity.token()));
    expect(refused.status).toBe(503);
    expect(refused.body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'REVOCATION_UNAVAILABLE',
    });

    await activity.writer.setEpoch();
    await eventually(async () => (await fetch(`${activity.url}/readyz`)).status === 200, 5000);
    expect((await activity.query('activity.list', bearer(await activity.token()))).status).toBe(200);
  });
});
