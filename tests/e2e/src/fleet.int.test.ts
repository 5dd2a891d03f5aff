import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevoked, mutate, query, revokedWithin, userWithDevices } from './http-client.ts';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('the fleet: auth, notes and activity as separate processes', () => {
  it("runs the tutorial's Postman test across services: after logout both refuse within 1 s, notes → activity included", async () => {
    const { tokens } = await userWithDevices(stack.auth.url);
    const token = tokens[0]!;
    const created = await mutate(stack.notes.url, 'notes.create', { body: 'hello' }, token);
    expect(created.status).toBe(200);
    expect((await query(stack.notes.url, 'notes.list', token)).body.result.data).toHaveLength(1);
    // notes recorded the change in activity, through a typed client forwarding the token.
    const activity = await query(stack.activity.url, 'activity.list', token);
    expect(activity.status).toBe(200);
    expect(activity.body.result.data[0]).toMatchObject({ kind: 'note.created' });

    expect((await mutate(stack.auth.url, 'auth.logout', undefined, token)).status).toBe(200);
    const loggedOutAt = performance.now();
    await revokedWithin(1000, () => query(stack.notes.url, 'notes.list', token));
    await revokedWithin(1000, () => query(stack.activity.url, 'activity.list', token));
    // The two-hop call: refused, and nothing written.
    expect(isRevoked(await mutate(stack.notes.url, 'notes.create', { body: 'after logout' }, token))).toBe(
      true,
    );
    expect(performance.now() - loggedOutAt).toBeLessThan(1000 + 500);
  });

  it('log out everywhere: another device’s token is refused by every service', async () => {
    const { tokens } = await userWithDevices(stack.auth.url, 2);
    const [laptop, phone] = tokens as [string, string];
    expect((await query(stack.notes.url, 'notes.list', phone)).status).toBe(200);
    expect((await mutate(stack.auth.url, 'auth.logoutAll', undefined, laptop)).body.result.data).toEqual({
      ok: true,
      sessions: 2,
    });
    await revokedWithin(1000, () => query(stack.notes.url, 'notes.list', phone));
    await revokedWithin(1000, () => query(stack.activity.url, 'activity.list', phone));
  });

  it('a service restarted while tokens are being revoked rejects every token revoked before and during its restart', async () => {
    const { tokens } = await userWithDevices(stack.auth.url, 24);
    const keep = tokens.slice(20);
    const before = tokens.slice(0, 10);
    const during = tokens.slice(10, 20);
    for (const token of before)
      expect((await mutate(stack.auth.url, 'auth.logout', undefined, token)).status).toBe(200);

    await stack.notes.kill();
    const revoking = (async () => {
      for (const token of during) {
        expect((await mutate(stack.auth.url, 'auth.logout', undefined, token)).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await stack.notes.start();
    await revoking;

    for (const token of [...before, ...during]) {
      await revokedWithin(1000, () => query(stack.notes.url, 'notes.list', token));
    }
    for (const token of keep) expect((await query(stack.notes.url, 'notes.list', token)).status).toBe(200);
  });
});
