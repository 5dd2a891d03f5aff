import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { revocationKeys } from '@revoke/auth/writer';
import { count, eq } from '@revoke/db';
import { events } from '@revoke/db/activity';
import { notes } from '@revoke/db/notes';
import { freePort, loopbackUrl } from '@revoke/testkit/ports';
import { untilStatus } from '@revoke/testkit/service-contract';
import { bearer, trpcQuery } from '@revoke/testkit/trpc-http';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_UNAVAILABLE_MESSAGE } from './activity-errors.ts';
import { type ActivityProcess, startActivityProcess } from './testing/activity-process.ts';
import { startTestIssuer, type TestIssuer } from './testing/test-issuer.ts';
import { startTestNotes, type TestNotes } from './testing/test-notes.ts';
import { createTestRevocations, type TestRevocations } from './testing/test-revocations.ts';

async function notesOf(service: TestNotes, token: string) {
  return service.db.db
    .select()
    .from(notes)
    .where(eq(notes.userId, decodeJwt(token).sub!));
}

describe('when activity refuses the forwarded token', () => {
  let issuer: TestIssuer;
  let notesRevocations: TestRevocations;
  let activityRevocations: TestRevocations;
  let activity: ActivityProcess;
  let service: TestNotes;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    notesRevocations = await createTestRevocations({ label: 'notes' });
    // Activity reads revocations from its own namespace: a revocation written there reaches activity
    // only, as if notes had not heard of it yet.
    activityRevocations = await createTestRevocations({ label: 'activity' });
    activity = await startActivityProcess({
      authUrl: issuer.url,
      redisUrl: activityRevocations.redisUrl,
      prefix: activityRevocations.prefix,
      env: { REVOCATION_STALE_AFTER_MS: '300' },
    });
    service = await startTestNotes({ issuer, revocations: notesRevocations, activityUrl: activity.url });
  });
  afterAll(async () => {
    await service?.close();
    await activity?.stop();
    await notesRevocations?.close();
    await activityRevocations?.close();
    await issuer?.close();
  });

  it('rolls the note back and answers 401 TOKEN_REVOKED, as activity did', async () => {
    const token = await issuer.token();
    const kept = await service.mutate('notes.create', { body: 'before' }, bearer(token));
    expect(kept.status, kept.text).toBe(200);
    await activityRevocations.revoke(token);
    // Polled at activity itself: a create that succeeded while polling would write a note.
    await untilStatus(() => trpcQuery(activity.url, 'activity.list', bearer(token)), 401);
    const created = await service.mutate('notes.create', { body: 'after' }, bearer(token));
    const deleted = await service.mutate('notes.delete', { id: kept.body.result.data.id }, bearer(token));
    for (const response of [created, deleted]) {
      expect(response.status).toBe(401);
      expect(response.body.error.message).toBe('Token revoked (logged out)');
      expect(response.body.error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'TOKEN_REVOKED' });
    }
    // Notes itself still accepts the token (it has not seen the revocation): the refusal was activity's.
    expect((await service.query('notes.list', bearer(token))).status).toBe(200);
    expect((await notesOf(service, token)).map((n) => n.body)).toEqual(['before']);
    const [eventRows] = await activity.db.db.select({ n: count() }).from(events);
    expect(eventRows!.n).toBe(1);
  });

  it("gets a fresh service credential when activity refuses notes' own (revoked), and the write goes through", async () => {
    const token = await issuer.token();
    // Notes now holds a service token for activity.
    expect((await service.mutate('notes.create', { body: 'first' }, bearer(token))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Every service token of client "notes" issued before this second is revoked, at activity.
    const notBefore = Math.floor(Date.now() / 1000);
    await activityRevocations.writer.revokeUserBefore({ sub: 'notes', notBefore, exp: notBefore + 900 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const created = await service.mutate('notes.create', { body: 'second' }, bearer(token));
    expect(created.status, created.text).toBe(200);
    expect((await notesOf(service, token)).map((n) => n.body).sort()).toEqual(['first', 'second']);
  });

  // Last in this file: it leaves activity's namespace without an epoch.
  it('rolls the note back and answers 503 REVOCATION_UNAVAILABLE when activity cannot know about revocations', async () => {
    const token = await issuer.token();
    // Redis "lost its data": no epoch, so activity's feed goes stale and its direct check cannot answer.
    await activityRevocations.redis.del(revocationKeys(activityRevocations.prefix).epoch);
    // Polled at activity itself: a create that succeeded while polling would write a note.
    await untilStatus(() => trpcQuery(activity.url, 'activity.list', bearer(token)), 503, 5000);
    const response = await service.mutate('notes.create', { body: 'x' }, bearer(token));
    expect(response.status).toBe(503);
    expect(response.body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'REVOCATION_UNAVAILABLE',
    });
    expect(await notesOf(service, token)).toEqual([]);
  });
});

describe('when activity is down or hangs', () => {
  let issuer: TestIssuer;
  let revocations: TestRevocations;
  let down: TestNotes;
  let hanging: Server;
  let slow: TestNotes;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    revocations = await createTestRevocations();
    // A port that was free a moment ago: connections to it are refused.
    down = await startTestNotes({ issuer, revocations, activityUrl: loopbackUrl(await freePort()) });
    // Accepts connections and never answers: a frozen activity.
    hanging = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => hanging.once('listening', resolve));
    slow = await startTestNotes({
      issuer,
      revocations,
      activityUrl: loopbackUrl((hanging.address() as AddressInfo).port),
      env: { ACTIVITY_TIMEOUT_MS: '300' },
    });
  });
  afterAll(async () => {
    await down?.close();
    await slow?.close();
    hanging?.closeAllConnections();
    await new Promise((resolve) => hanging?.close(resolve));
    await revocations?.close();
    await issuer?.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE with a clear message and writes nothing when activity is unreachable', async () => {
    const token = await issuer.token();
    const response = await down.mutate('notes.create', { body: 'lost?' }, bearer(token));
    expect(response.status).toBe(503);
    expect(response.body.error.message).toBe(ACTIVITY_UNAVAILABLE_MESSAGE);
    expect(response.body.error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    expect(response.body.error.data.reason).toBeUndefined();
    expect(await notesOf(down, token)).toEqual([]);
    // Reading does not need activity.
    expect((await down.query('notes.list', bearer(token))).status).toBe(200);
  });

  it('keeps a note whose deletion activity could not record', async () => {
    const token = await issuer.token();
    const [note] = await down.db.db
      .insert(notes)
      .values({ userId: decodeJwt(token).sub!, body: 'stay' })
      .returning();
    const response = await down.mutate('notes.delete', { id: note!.id }, bearer(token));
    expect(response.status).toBe(503);
    expect(await notesOf(down, token)).toEqual([note]);
  });

  it('gives up on a hanging activity after ACTIVITY_TIMEOUT_MS with 503, and writes nothing', async () => {
    const token = await issuer.token();
    const started = Date.now();
    const response = await slow.mutate('notes.create', { body: 'slow' }, bearer(token));
    expect(response.status).toBe(503);
    expect(response.body.error.message).toBe(ACTIVITY_UNAVAILABLE_MESSAGE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await notesOf(slow, token)).toEqual([]);
  });
});
