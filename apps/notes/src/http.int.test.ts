import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from './testing/test-issuer.ts';
import {
  bearer,
  eventually,
  startTestFleet,
  startTestNotes,
  type TestFleet,
  type TestNotes,
} from './testing/test-notes.ts';
import { createTestRevocations, type TestRevocations } from './testing/test-revocations.ts';

describe('notes over HTTP, with the real activity process', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet();
  });
  afterAll(() => fleet?.close());

  it('creates, lists and deletes over plain JSON, each user seeing only their own notes', async () => {
    const alice = await fleet.issuer.token(`alice-${randomUUID()}`);
    const bob = await fleet.issuer.token(`bob-${randomUUID()}`);
    const created = await fleet.notes.mutate('notes.create', { body: 'hello' }, bearer(alice));
    expect(created.status, created.text).toBe(200);
    const note = created.body.result.data;
    expect(note).toEqual({ id: expect.any(String), body: 'hello', createdAt: expect.any(String) });

    expect((await fleet.notes.query('notes.list', bearer(alice))).body.result.data).toEqual([note]);
    expect((await fleet.notes.query('notes.list', bearer(bob))).body.result.data).toEqual([]);
    const stolen = await fleet.notes.mutate('notes.delete', { id: note.id }, bearer(bob));
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.data.code).toBe('NOT_FOUND');

    expect((await fleet.notes.mutate('notes.delete', { id: note.id }, bearer(alice))).status).toBe(200);
    expect((await fleet.notes.query('notes.list', bearer(alice))).body.result.data).toEqual([]);
    const feed = await fleet.activityQuery('activity.list', bearer(alice));
    expect(feed.body.result.data.map((e: { kind: string }) => e.kind)).toEqual([
      'note.deleted',
      'note.created',
    ]);
    expect((await fleet.activityQuery('activity.list', bearer(bob))).body.result.data).toEqual([]);
  });

  it('forwards a cookie-authenticated (browser) mutation’s token to activity as a bearer token', async () => {
    const token = await fleet.issuer.token();
    const headers = { cookie: `access_token=${token}`, 'x-revoke-csrf': '1' };
    const created = await fleet.notes.mutate('notes.create', { body: 'from the browser' }, headers);
    expect(created.status, created.text).toBe(200);
    const feed = await fleet.activityQuery('activity.list', bearer(token));
    expect(feed.body.result.data).toEqual([expect.objectContaining({ kind: 'note.created' })]);
  });

  it('refuses a revoked token at both services with 401 TOKEN_REVOKED, "Token revoked (logged out)"', async () => {
    const token = await fleet.issuer.token();
    expect((await fleet.notes.mutate('notes.create', { body: 'before' }, bearer(token))).status).toBe(200);
    await fleet.revocations.revoke(token);
    await eventually(async () => (await fleet.notes.query('notes.list', bearer(token))).status === 401);
    await eventually(async () => (await fleet.activityQuery('activity.list', bearer(token))).status === 401);
    for (const response of [
      await fleet.notes.query('notes.list', bearer(token)),
      await fleet.notes.mutate('notes.create', { body: 'after' }, bearer(token)),
      await fleet.activityQuery('activity.list', bearer(token)),
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
    expect((await fetch(`${fleet.notes.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${fleet.notes.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { feed: true, postgres: true } });
    const metrics = await fetch(`${fleet.notes.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^revoke_auth_checks_total\{result="ok"\} [1-9]/m);
    expect(text).toMatch(/^revoke_auth_checks_total\{result="revoked"\} [1-9]/m);
    expect((await fetch(`${fleet.activity.url}/metrics`)).status).toBe(200);
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
    const before = await fetch(`${notes.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false, checks: { feed: false, postgres: true } });
    const refused = await notes.query('notes.list', bearer(await issuer.token()));
    expect(refused.status).toBe(503);
    expect(refused.body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'REVOCATION_UNAVAILABLE',
    });

    await revocations.writer.setEpoch();
    await eventually(async () => (await fetch(`${notes.url}/readyz`)).status === 200, 5000);
    expect((await notes.query('notes.list', bearer(await issuer.token()))).status).toBe(200);
  });
});
