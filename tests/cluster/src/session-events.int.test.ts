import { createRedisClient } from '@revoke/auth/internal';
import { createRevocationWriter, type RedisClient, revocationKeys } from '@revoke/auth/writer';
import { mutate, userWithDevices } from '@revoke/e2e/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterStack, startClusterStack } from './cluster-stack.ts';

/** S, the staleness bound every guarantee is stated in (the services' default). */
const S_MS = 3000;

let stack: ClusterStack;
let redis: RedisClient;
beforeAll(async () => {
  stack = await startClusterStack();
  redis = createRedisClient({ cluster: { nodes: stack.cluster.nodes } });
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.close();
});

/** An open `auth.sessionEvents` stream, read for the two events these tests wait for. */
interface SignOutStream {
  /** Resolves once the stream said it is armed (`watching`). */
  watching: Promise<void>;
  /** Resolves with the sign-out's reason and when it arrived (`performance.now()`). */
  signedOut: Promise<{ reason: string; at: number }>;
  close(): void;
}

/** Opens the stream with `token` and scans its raw text for the `watching` and `revoked` events. */
async function openSignOutStream(token: string): Promise<SignOutStream> {
  const controller = new AbortController();
  const response = await fetch(`${stack.auth.url}/trpc/auth.sessionEvents`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  let text = '';
  let onChunk = () => {};
  (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      onChunk();
    }
  })().catch(() => {});
  const waitFor = <T>(match: () => T | undefined) =>
    new Promise<T>((resolve) => {
      const check = () => {
        const found = match();
        if (found !== undefined) resolve(found);
      };
      const previous = onChunk;
      onChunk = () => {
        previous();
        check();
      };
      check();
    });
  return {
    watching: waitFor(() => (text.includes('"type":"watching"') ? true : undefined)).then(() => {}),
    signedOut: waitFor(() => {
      const reason = /"type":"revoked","reason":"([a-z_]+)"/.exec(text)?.[1];
      return reason === undefined ? undefined : { reason, at: performance.now() };
    }),
    close: () => controller.abort(),
  };
}

/** The `sid` claim of a compact JWS (no verification: the auth app minted it moments ago). */
const sidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid;

/** The index key of the shard holding this session's revocation (its master serves the shard). */
function shardIndexOf(sid: string): string {
  const keys = revocationKeys(stack.env.REVOCATION_PREFIX!, { shards: 16 });
  return keys.shards[keys.shardOf('sid', sid)]!.index;
}

/** Fails after `ms` with `what`: a stream that never signs out must fail the test, not hang it. */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)),
  ]);
}

describe('live sign-out streams on a Redis Cluster (the feed proves every shard by echo)', () => {
  it('a revocation published while the subscriber of its shard was cut off still reaches the stream within S', async () => {
    const [token] = (await userWithDevices(stack.auth.url)).tokens as [string];
    const sid = sidOf(token);
    const stream = await openSignOutStream(token);
    const writer = createRevocationWriter({ redis, prefix: stack.env.REVOCATION_PREFIX! });
    const master = createRedisClient({
      url: `redis://127.0.0.1:${await stack.cluster.masterOf(shardIndexOf(sid))}`,
    });
    try {
      await deadline(stream.watching, 10_000, 'no watching event');
      // Cut every subscriber of that master and revoke in the same breath: the event has no receiver.
      await master.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await writer.revokeSession({ sid, exp: Math.floor(Date.now() / 1000) + 900 });
      const acknowledgedAt = performance.now();
      const { at } = await deadline(stream.signedOut, 15_000, 'no sign-out');
      console.log(
        `cluster: a revocation published with its shard's subscribers cut off reached the stream ` +
          `${Math.round(at - acknowledgedAt)} ms after it was acknowledged`,
      );
      expect(at - acknowledgedAt).toBeLessThanOrEqual(S_MS);
    } finally {
      master.disconnect();
      stream.close();
    }
  });

  it('a master is killed under an open stream; a logout acknowledged after the failover reaches the stream within S', async () => {
    const [token] = (await userWithDevices(stack.auth.url)).tokens as [string];
    const stream = await openSignOutStream(token);
    try {
      await deadline(stream.watching, 10_000, 'no watching event');
      const { port, failoverMs } = await stack.cluster.killMaster(shardIndexOf(sidOf(token)));
      // A client retries a logout refused with 503 while the auth app cannot vouch for a shard.
      let acknowledgedAt = 0;
      for (let attempt = 0; attempt < 100 && !acknowledgedAt; attempt++) {
        const answer = await mutate(stack.auth.url, 'auth.logout', undefined, token);
        if (answer.status === 200) acknowledgedAt = performance.now();
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(acknowledgedAt).toBeGreaterThan(0);
      const { reason, at } = await deadline(stream.signedOut, 15_000, 'no sign-out');
      console.log(
        `cluster: master :${port} killed (failover ${failoverMs} ms); the stream signed out ` +
          `${Math.round(at - acknowledgedAt)} ms after the logout was acknowledged`,
      );
      expect(reason).toBe('signed_out');
      expect(at - acknowledgedAt).toBeLessThanOrEqual(S_MS);
    } finally {
      stream.close();
    }
  });
});
