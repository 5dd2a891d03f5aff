import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRevocationWriter, type RevocationWriter } from '../revocation/writer.ts';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../testing/redis-server.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { SERVICE_TOKEN_HEADER } from './credentials.ts';
import { call, post, SERVICE_AUDIENCE, type Service, startService } from './service-harness.ts';

describe('the tRPC procedure builders over HTTP (shared Redis)', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix('trpc');
  let signer: TestSigner;
  let service: Service;
  let redis: Redis;
  let writer: RevocationWriter;

  beforeAll(async () => {
    signer = await createTestSigner();
    redis = new Redis(redisUrl);
    writer = createRevocationWriter({ redis, prefix });
    await writer.setEpoch();
    service = await startService(redisUrl, prefix, signer);
  });
  afterAll(async () => {
    await service.close();
    redis.disconnect();
  });

  it('answers a protected query for a valid token, by header, bare header or cookie', async () => {
    const token = await signer.sign({ sub: 'alice' });
    for (const headers of [
      { authorization: `Bearer ${token}` },
      { authorization: token },
      { cookie: `access_token=${token}` },
    ]) {
      const { status, body } = await call(service, 'whoami', headers);
      expect(status).toBe(200);
      expect(body.result.data.sub).toBe('alice');
    }
  });

  it("is the tutorial's Postman test: after logout, the same token is refused as revoked", async () => {
    const token = await signer.sign();
    expect((await call(service, 'whoami', { authorization: token })).status).toBe(200);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    await writer.revokeToken({ jti: claims.jti, exp: claims.exp });
    await expect
      .poll(async () => (await call(service, 'whoami', { authorization: token })).status, {
        timeout: 1000,
        interval: 5,
      })
      .toBe(401);
    const { body } = await call(service, 'whoami', { authorization: token });
    expect(body.error.message).toBe('Token revoked (logged out)');
    expect(body.error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, reason: 'TOKEN_REVOKED' });
  });

  it.each([
    ['no credentials', {}, 'TOKEN_MISSING'],
    ['garbage', { authorization: 'Bearer not-a-jwt' }, 'TOKEN_INVALID'],
    [
      'two different tokens',
      { authorization: 'Bearer a.b.c', cookie: 'access_token=d.e.f' },
      'TOKEN_INVALID',
    ],
    ['a Basic header', { authorization: 'Basic YTpi' }, 'TOKEN_INVALID'],
  ])('refuses %s with 401 and its reason code, without a stack', async (_, headers, reason) => {
    const { status, body, text } = await call(service, 'whoami', headers);
    expect(status).toBe(401);
    expect(body.error.data.reason).toBe(reason);
    expect(text).not.toMatch(/stack|\.ts:\d/);
  });

  it('refuses cookie-authenticated mutations without the CSRF header, including cross-site form posts', async () => {
    const token = await signer.sign({ sub: 'carol' });
    const touch = async (headers: Record<string, string>, body: string | FormData = '{}') =>
      (await post(service, 'touch', headers, body)).status;
    const json = { 'content-type': 'application/json' };
    expect(await touch({ ...json, cookie: `access_token=${token}` })).toBe(403);
    const form = new FormData();
    form.set('x', '1');
    expect(await touch({ cookie: `access_token=${token}` }, form)).toBe(403);
    const crossSite = {
      ...json,
      cookie: `access_token=${token}`,
      'x-revoke-csrf': '1',
      'sec-fetch-site': 'cross-site',
    };
    expect(await touch(crossSite)).toBe(403);
    expect(await touch({ ...json, cookie: `access_token=${token}`, 'x-revoke-csrf': '1' })).toBe(200);
    // A bearer token is not sent by browsers on their own: no CSRF header needed.
    expect(await touch({ ...json, authorization: `Bearer ${token}` })).toBe(200);
  });

  it('settles a repeated cookie: the one value of ours is used, several are refused, before the CSRF check', async () => {
    const token = await signer.sign({ sub: 'dora' });
    const planted = { cookie: `access_token=planted; access_token=${token}` };
    const { status, body } = await call(service, 'whoami', planted);
    expect(status).toBe(200);
    expect(body.result.data.sub).toBe('dora');
    const json = { 'content-type': 'application/json' };
    expect((await post(service, 'touch', { ...json, ...planted })).status).toBe(403);
    expect((await post(service, 'touch', { ...json, ...planted, 'x-revoke-csrf': '1' })).status).toBe(200);
    // Two valid tokens: ambiguous, refused as such whatever else is wrong (here, no CSRF header).
    const other = await signer.sign({ sub: 'eve' });
    const two = { cookie: `access_token=${other}; access_token=${token}` };
    for (const answer of [
      await call(service, 'whoami', two),
      await post(service, 'touch', { ...json, ...two }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.data.reason).toBe('TOKEN_INVALID');
      expect(answer.text).not.toMatch(/stack|\.ts:\d/);
    }
  });

  it('admits an internal call from a listed service on behalf of the user, and nothing else', async () => {
    const user = await signer.sign({ sub: 'frank' });
    const serviceToken = (sub: string) => signer.sign({ sub, aud: SERVICE_AUDIENCE });
    const asService = async (token: string) => ({
      'content-type': 'application/json',
      authorization: `Bearer ${user}`,
      [SERVICE_TOKEN_HEADER]: `Bearer ${token}`,
    });
    const admitted = await post(service, 'record', await asService(await serviceToken('notes')));
    expect(admitted.status).toBe(200);
    expect(admitted.body.result.data).toEqual({ sub: 'frank', caller: 'notes' });
    for (const headers of [
      { 'content-type': 'application/json', authorization: `Bearer ${user}` },
      await asService(user),
      await asService(await serviceToken('billing')),
    ]) {
      const refused = await post(service, 'record', headers);
      expect(refused.status).toBe(403);
      // No auth reason: a caller must not read it as its user's own token being refused.
      expect(refused.body.error.data.reason).toBeUndefined();
      expect(refused.text).not.toMatch(/stack|\.ts:\d/);
    }
  });

  it('refuses an internal call with a revoked service token (403) or for a revoked user (401)', async () => {
    const user = await signer.sign({ sub: 'gina' });
    const notes = await signer.sign({ sub: 'notes', aud: SERVICE_AUDIENCE });
    const headers = (userToken: string, serviceToken: string) => ({
      'content-type': 'application/json',
      authorization: `Bearer ${userToken}`,
      [SERVICE_TOKEN_HEADER]: `Bearer ${serviceToken}`,
    });
    const revoke = async (token: string) => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      await writer.revokeToken({ jti: claims.jti, exp: claims.exp });
    };
    await revoke(notes);
    await expect.poll(async () => (await post(service, 'record', headers(user, notes))).status).toBe(403);
    const refused = await post(service, 'record', headers(user, notes));
    expect(refused.body.error.message).toContain('TOKEN_REVOKED');
    expect(refused.body.error.data.reason).toBeUndefined();
    const fresh = await signer.sign({ sub: 'notes', aud: SERVICE_AUDIENCE });
    await revoke(user);
    await expect.poll(async () => (await post(service, 'record', headers(user, fresh))).status).toBe(401);
    expect((await post(service, 'record', headers(user, fresh))).body.error.data.reason).toBe(
      'TOKEN_REVOKED',
    );
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const token = await signer.sign({ iat: old, exp: old + 900 });
    const { status, body } = await call(service, 'whoami', { authorization: `Bearer ${token}` });
    expect(status).toBe(401);
    expect(body.error.data.reason).toBe('TOKEN_EXPIRED');
  });

  it('hides internal errors: a generic message, no stack, no detail', async () => {
    const { status, body, text } = await call(service, 'boom');
    expect(status).toBe(500);
    expect(body.error.message).toBe('Internal server error');
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toContain('stack');
  });
});

describe('the tRPC procedure builders when revocation state is unavailable (private redis-server)', () => {
  let redis: PrivateRedis;
  let signer: TestSigner;
  let service: Service;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    signer = await createTestSigner();
    const client = new Redis(redis.url);
    await createRevocationWriter({ redis: client, prefix: 'svc:' }).setEpoch();
    client.disconnect();
    service = await startService(redis.url, 'svc:', signer);
  });
  afterAll(async () => {
    await service.close();
    await redis.stop();
  });

  it('fails closed with 503 REVOCATION_UNAVAILABLE, except where a procedure opted into failing open', async () => {
    const token = await signer.sign({ sub: 'bob' });
    expect((await call(service, 'whoami', { authorization: token })).status).toBe(200);
    await redis.stop();
    await expect.poll(() => service.feed.isFresh(), { timeout: 3000, interval: 20 }).toBe(false);
    const refused = await call(service, 'whoami', { authorization: token });
    expect(refused.status).toBe(503);
    expect(refused.body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'REVOCATION_UNAVAILABLE',
    });
    const open = await call(service, 'status', { authorization: token });
    expect(open.status).toBe(200);
    expect(open.body.result.data.sub).toBe('bob');
    // Failing open never extends to tokens that are known to be bad.
    expect((await call(service, 'status', { authorization: 'Bearer x.y.z' })).status).toBe(401);
  });
});
