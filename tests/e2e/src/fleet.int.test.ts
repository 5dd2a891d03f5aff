import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevoked, mutate, query, revokedWithin, userWithDevices } from './http-client.ts';
import { type Stack, startStack } from './stack.ts';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

interface Session {
  accessToken: string;
  refreshToken: string;
}

/** Registers a fresh user and signs in `devices` times; returns each device's pair. */
async function userWithSessions(authUrl: string, devices: number) {
  const credentials = { email: `e2e-${Math.random().toString(36).slice(2)}@example.com`, password: PASSWORD };
  expect((await mutate(authUrl, 'auth.register', credentials)).status).toBe(200);
  const sessions: Session[] = [];
  for (let i = 0; i < devices; i++)
    sessions.push((await mutate(authUrl, 'auth.login', credentials)).body.result.data);
  return { email: credentials.email, devices: sessions };
}

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

  it('change password on device A: device B is refused by every service within 1 s, A goes on with its new tokens', async () => {
    const { email, devices } = await userWithSessions(stack.auth.url, 2);
    const [a, b] = devices as [Session, Session];
    for (const url of [stack.notes.url, stack.activity.url]) {
      const path = url === stack.notes.url ? 'notes.list' : 'activity.list';
      expect((await query(url, path, b.accessToken)).status).toBe(200);
    }
    const changed = await mutate(
      stack.auth.url,
      'auth.changePassword',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      a.accessToken,
    );
    const changedAt = performance.now();
    expect(changed.status).toBe(200);
    expect(changed.body.result.data).toMatchObject({ endedSessions: 1, user: { email } });
    const [atNotes, atActivity] = await Promise.all([
      revokedWithin(1000, () => query(stack.notes.url, 'notes.list', b.accessToken)),
      revokedWithin(1000, () => query(stack.activity.url, 'activity.list', b.accessToken)),
    ]);
    console.log(
      `changePassword (device A) → device B refused at notes after ${atNotes.toFixed(1)} ms, at activity after ${atActivity.toFixed(1)} ms`,
    );
    expect(performance.now() - changedAt).toBeLessThan(1000 + 500);
    // B's refresh token is dead; A's old access token is refused too, its new pair works everywhere.
    expect((await mutate(stack.auth.url, 'auth.refresh', { refreshToken: b.refreshToken })).status).toBe(401);
    await revokedWithin(1000, () => query(stack.notes.url, 'notes.list', a.accessToken));
    const fresh = changed.body.result.data as Session;
    expect((await query(stack.notes.url, 'notes.list', fresh.accessToken)).status).toBe(200);
    expect((await query(stack.activity.url, 'activity.list', fresh.accessToken)).status).toBe(200);
    expect((await mutate(stack.auth.url, 'auth.refresh', { refreshToken: fresh.refreshToken })).status).toBe(
      200,
    );
    // Only the new password signs in.
    expect((await mutate(stack.auth.url, 'auth.login', { email, password: PASSWORD })).status).toBe(401);
    expect((await mutate(stack.auth.url, 'auth.login', { email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('a wrong current password changes nothing: 401, and every device still works', async () => {
    const { email, devices } = await userWithSessions(stack.auth.url, 2);
    const [a, b] = devices as [Session, Session];
    const wrong = await mutate(
      stack.auth.url,
      'auth.changePassword',
      { currentPassword: 'not the password', newPassword: NEW_PASSWORD },
      a.accessToken,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.data.code).toBe('UNAUTHORIZED');
    for (const token of [a.accessToken, b.accessToken]) {
      expect((await query(stack.notes.url, 'notes.list', token)).status).toBe(200);
      expect((await query(stack.activity.url, 'activity.list', token)).status).toBe(200);
    }
    expect((await mutate(stack.auth.url, 'auth.login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('sign out other devices: A stays, B and C are refused by every service and cannot refresh', async () => {
    const { devices } = await userWithSessions(stack.auth.url, 3);
    const [a, b, c] = devices as [Session, Session, Session];
    const others = await mutate(stack.auth.url, 'auth.logoutOthers', undefined, a.accessToken);
    expect(others.body.result.data).toEqual({ ok: true, sessions: 2 });
    for (const device of [b, c]) {
      await revokedWithin(1000, () => query(stack.notes.url, 'notes.list', device.accessToken));
      await revokedWithin(1000, () => query(stack.activity.url, 'activity.list', device.accessToken));
      expect(
        (await mutate(stack.auth.url, 'auth.refresh', { refreshToken: device.refreshToken })).status,
      ).toBe(401);
    }
    expect((await query(stack.notes.url, 'notes.list', a.accessToken)).status).toBe(200);
    expect((await query(stack.activity.url, 'activity.list', a.accessToken)).status).toBe(200);
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
