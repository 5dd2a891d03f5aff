import { describe, expect, it } from 'vitest';
import { APPS, placeApps, stackEnv } from './apps.ts';

const core = APPS.filter((app) => ['auth', 'notes', 'activity'].includes(app.name));

describe('placeApps', () => {
  it('uses the contract’s ports and loopback URLs by default (docs/architecture.md, "The contract")', () => {
    expect(placeApps(core, {}).map((app) => [app.name, app.port, app.url])).toEqual([
      ['auth', 4000, 'http://127.0.0.1:4000'],
      ['notes', 4001, 'http://127.0.0.1:4001'],
      ['activity', 4002, 'http://127.0.0.1:4002'],
    ]);
  });

  it('follows the same variables the apps read', () => {
    const [auth, notes] = placeApps(core, { AUTH_PORT: '5000', NOTES_URL: 'http://notes.internal:80/' });
    expect([auth?.port, auth?.url]).toEqual([5000, 'http://127.0.0.1:5000']);
    expect(notes?.url).toBe('http://notes.internal:80');
  });

  it('refuses a port that is not one', () => {
    expect(() => placeApps(core, { NOTES_PORT: 'abc' })).toThrow('NOTES_PORT=abc is not a port');
  });
});

describe('stackEnv', () => {
  it('tells every app where every other app and Redis are', () => {
    const env = stackEnv(placeApps(core, { ACTIVITY_PORT: '6002' }), 'redis://127.0.0.1:6390', {});
    expect(env).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6390',
      AUTH_PORT: '4000',
      AUTH_URL: 'http://127.0.0.1:4000',
      NOTES_PORT: '4001',
      NOTES_URL: 'http://127.0.0.1:4001',
      ACTIVITY_PORT: '6002',
      ACTIVITY_URL: 'http://127.0.0.1:6002',
      SERVICE_CLIENTS: `notes:${env.SERVICE_CLIENT_SECRET}`,
      SERVICE_CLIENT_SECRET: expect.stringMatching(/^[\w-]{43}$/),
    });
  });

  it('gives notes and the auth app one fresh service secret per run, unless the caller set them', () => {
    const apps = placeApps(core, {});
    const [first, second] = [stackEnv(apps, 'redis://x', {}), stackEnv(apps, 'redis://x', {})];
    expect(first.SERVICE_CLIENT_SECRET).not.toBe(second.SERVICE_CLIENT_SECRET);
    const configured = stackEnv(apps, 'redis://x', {
      SERVICE_CLIENTS: 'notes:mine',
      SERVICE_CLIENT_SECRET: 'mine',
    });
    expect(configured.SERVICE_CLIENTS).toBeUndefined();
    expect(configured.SERVICE_CLIENT_SECRET).toBeUndefined();
  });

  it("points the services' CORS origin at the web client, unless WEB_ORIGIN is set", () => {
    const all = placeApps(APPS, { WEB_PORT: '5999' });
    expect(stackEnv(all, 'redis://127.0.0.1:6379', {}).WEB_ORIGIN).toBe('http://127.0.0.1:5999');
    expect(
      stackEnv(all, 'redis://127.0.0.1:6379', { WEB_ORIGIN: 'https://app.example' }).WEB_ORIGIN,
    ).toBeUndefined();
  });
});
