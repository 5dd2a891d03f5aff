import { randomUUID } from 'node:crypto';
import * as contract from '@revoke/testkit/service-contract';
import { startedForSuite } from '@revoke/testkit/suite';
import { bearer } from '@revoke/testkit/trpc-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from './testing/test-issuer.ts';
import { startTestFleet, startTestNotes, type TestNotes } from './testing/test-notes.ts';
import { createTestRevocations, type TestRevocations } from './testing/test-revocations.ts';

describe('notes over HTTP, with the real activity process', () => {
  const fleet = startedForSuite(() => startTestFleet());

  it('creates, lists and deletes over plain JSON, each user seeing only their own notes', async () => {
    const alice = await fleet().issuer.token(`alice-${randomUUID()}`);
    const bob = await fleet().issuer.token(`bob-${randomUUID()}`);
    const created = await fleet().notes.mutate('notes.create', { body: 'hello' }, bearer(alice));
    expect(created.status, created.text).toBe(200);
    const note = created.body.result.data;
    expect(note).toEqual({ id: expect.any(String), body: 'hello', createdAt: expect.any(String) });

    expect((await fleet().notes.query('notes.list', bearer(alice))).body.result.data).toEqual([note]);
    expect((await fleet().notes.query('notes.list', bearer(bob))).body.result.data).toEqual([]);
    const stolen = await fleet().notes.mutate('notes.delete', { id: note.id }, bearer(bob));
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.data.code).toBe('NOT_FOUND');

    expect((await fleet().notes.mutate('notes.delete', { id: note.id }, bearer(alice))).status).toBe(200);
    expect((await fleet().notes.query('notes.list', bearer(alice))).body.result.data).toEqual([]);
    const feed = await fleet().activityQuery('activity.list', bearer(alice));
    expect(feed.body.result.data.map((e: { kind: string }) => e.kind)).toEqual([
      'note.deleted',
      'note.created',
    ]);
    expect((await fleet().activityQuery('activity.list', bearer(bob))).body.result.data).toEqual([]);
  });

  it('forwards a cookie-authenticated (browser) mutation’s token to activity as a bearer token', async () => {
    const token = await fleet().issuer.token();
    const headers = { cookie: `access_token=${token}`, 'x-revoke-csrf': '1' };
    const created = await fleet().notes.mutate('notes.create', { body: 'from the browser' }, headers);
    expect(created.status, created.text).toBe(200);
    const feed = await fleet().activityQuery('activity.list', bearer(token));
    expect(feed.body.result.data).toEqual([expect.objectContaining({ kind: 'note.created' })]);
  });

  it('refuses a revoked token at both services with 401 TOKEN_REVOKED, "Token revoked (logged out)"', async () => {
    const token = await fleet().issuer.token();
    expect((await fleet().notes.mutate('notes.create', { body: 'before' }, bearer(token))).status).toBe(200);
    await fleet().revocations.revoke(token);
    await contract.untilStatus(() => fleet().notes.query('notes.list', bearer(token)), 401);
    await contract.untilStatus(() => fleet().activityQuery('activity.list', bearer(token)), 401);
    for (const response of [
      await fleet().notes.query('notes.list', bearer(token)),
      await fleet().notes.mutate('notes.create', { body: 'after' }, bearer(token)),
      await fleet().activityQuery('activity.list', bearer(token)),
    ])
      contract.expectRevokedAnswer(response);
  });

  it('serves /healthz, /readyz and /metrics with revoke_auth_checks_total', async () => {
    await contract.expectProbesAndMetrics(fleet().notes.url);
    expect((await fetch(`${fleet().activity.url}/metrics`)).status).toBe(200);
  });
});

describe('notes readiness', () => {
  let issuer: TestIssuer;
  let revocations: TestRevocations;
  let notes: TestNotes;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    // No epoch in Redis: the feed cannot load a snapshot it could trust.
    revocations = await createTestRevocations({ setEpoch: false });
    notes = await startTestNotes({
      issuer,
      revocations,
      activityUrl: 'http://127.0.0.1:9',
      waitForFeed: false,
    });
  });
  afterAll(async () => {
    await notes?.close();
    await revocations?.close();
    await issuer?.close();
  });

  it('answers /readyz 503 before the first snapshot, refuses requests with 503, and is ready once Redis has an epoch', async () => {
    await contract.expectReadyOnlyWithEpoch({
      url: notes.url,
      call: async () => notes.query('notes.list', bearer(await issuer.token())),
      setEpoch: () => revocations.writer.setEpoch(),
    });
  });
});
