import { localKeys } from '@revoke/auth';
import { IssuerPolicyError } from '@revoke/auth/internal';
import { createTestSigner, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, revocationKeys } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AuthStack, type AuthStackEnv, startAuthStack } from './auth-stack.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: Redis;
const prefixes: string[] = [];
const stacks: AuthStack[] = [];
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
  for (const prefix of prefixes.splice(0)) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
});
afterAll(() => redis.disconnect());

/** A namespace where "the auth app" wrote its policy (5 s, 900 s) and an epoch. */
async function issuerNamespace(options: { writePolicy?: boolean } = {}) {
  const prefix = testPrefix('policy');
  prefixes.push(prefix);
  const writer = createRevocationWriter({ redis, prefix });
  if (options.writePolicy ?? true) await writer.setPolicy({ clockToleranceSec: 5, maxTokenLifetimeSec: 900 });
  await writer.setEpoch();
  return { prefix, writer };
}

const envFor = (prefix: string, extra: Partial<AuthStackEnv> = {}): AuthStackEnv => ({
  REDIS_URL,
  REVOCATION_PREFIX: prefix,
  AUTH_URL: 'http://auth.test',
  TOKEN_AUDIENCE: 'revoke',
  REVOCATION_STALE_AFTER_MS: 3000,
  ...extra,
});

const logger = pino({ level: 'silent' });

describe("a service takes the auth app's token policy, or refuses to start", () => {
  it('unset: verifies with the auth app’s clock tolerance and token lifetime', async () => {
    const { prefix } = await issuerNamespace();
    const signer = await createTestSigner({ issuer: 'http://auth.test', audience: 'revoke' });
    const stack = await startAuthStack('test', envFor(prefix), { logger, keys: localKeys(signer.jwks) });
    stacks.push(stack);
    const now = Math.floor(Date.now() / 1000);
    // 900 s lives: accepted; 901 s: longer than the auth app issues, refused.
    await expect(
      stack.verifier.verify(await signer.sign({ iat: now, exp: now + 900 })),
    ).resolves.toBeDefined();
    await expect(
      stack.verifier.verify(await signer.sign({ iat: now, exp: now + 901 })),
    ).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    // 4 s past exp: inside the 5 s tolerance; 6 s past: outside.
    await expect(
      stack.verifier.verify(await signer.sign({ iat: now - 600, exp: now - 4 })),
    ).resolves.toBeDefined();
    await expect(
      stack.verifier.verify(await signer.sign({ iat: now - 600, exp: now - 6 })),
    ).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
  });

  it.each([
    [{ CLOCK_TOLERANCE_SEC: 10 }, /CLOCK_TOLERANCE_SEC=10 is larger than the auth app's 5/],
    [{ MAX_TOKEN_LIFETIME_SEC: 3600 }, /MAX_TOKEN_LIFETIME_SEC=3600 is larger than the auth app's 900/],
  ])('set larger (%j): refuses to start, naming the setting', async (extra, message) => {
    const { prefix } = await issuerNamespace();
    const started = startAuthStack('test', envFor(prefix, extra), { logger });
    await expect(started).rejects.toThrow(IssuerPolicyError);
    await expect(started).rejects.toThrow(message);
  });

  it('waits for the auth app to write its policy, then starts', async () => {
    const { prefix, writer } = await issuerNamespace({ writePolicy: false });
    let started = false;
    const starting = startAuthStack('test', envFor(prefix, { CLOCK_TOLERANCE_SEC: 5 }), { logger }).then(
      (stack) => {
        started = true;
        stacks.push(stack);
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(started).toBe(false);
    await writer.setPolicy({ clockToleranceSec: 5, maxTokenLifetimeSec: 900 });
    await starting;
    expect(await redis.exists(revocationKeys(prefix).policy)).toBe(1);
  });
});
