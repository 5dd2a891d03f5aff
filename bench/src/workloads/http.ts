// http: a protected tRPC query over loopback, load from autocannon in this process, each server in
// its own (http-server.ts), so the load generator never shares an event loop with a server.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createTestSigner, startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter } from '@revoke/auth/writer';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { benchFile, forkTs, isMessage, nextMessage, stopChild } from '../children.ts';
import { type BenchContext, interleave, type Row } from '../runner.ts';

const VARIANTS = ['ours', 'open', 'tutorial'] as const;
const CONNECTIONS = 10;
/** Revocations already in every cache (and, for the tutorial, in Redis), as in a service in use. */
const REVOKED = 10_000;

export async function runHttp(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const seconds = quick ? 2 : 3;
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const prefix = testPrefix('bench-http');
  const children: ChildProcess[] = [];
  const signer = await createTestSigner();
  const secret = randomBytes(32).toString('hex');
  const serverEnv = {
    REDIS_URL: redisServer.url,
    PREFIX: prefix,
    ISSUER: signer.issuer,
    AUDIENCE: signer.audience,
    JWKS: JSON.stringify(signer.jwks),
    JWT_SECRET: secret,
  };
  try {
    const ports = await progress.step('http: seed revocations, start 3 servers', async () => {
      const nowSec = Math.floor(Date.now() / 1000);
      const writer = createRevocationWriter({ redis, prefix });
      await writer.seed(
        Array.from({ length: REVOKED }, () => ({
          kind: 'jti' as const,
          id: randomBytes(16).toString('base64url'),
          exp: nowSec + 900,
        })),
      );
      await writer.setEpoch();
      return Promise.all(VARIANTS.map((variant) => startServer(variant)));
    });

    const headers: Record<(typeof VARIANTS)[number], Record<string, string>> = {
      ours: { authorization: `Bearer ${await signer.sign()}` },
      open: {},
      // The tutorial reads a bare `Authorization: <token>` (its Postman test).
      tutorial: {
        authorization: jwt.sign({ _id: 'user-1', email: 'u1@example.com' }, secret, { expiresIn: '1h' }),
      },
    };
    return await interleave(context, {
      workload: 'http',
      units: { req_per_s: 'req/s' },
      rounds: quick ? 3 : 8,
      variants: VARIANTS.map((variant, i) => ({
        name: variant,
        run: (round) => load(ports[i]!, headers[variant], round < 0 ? 1 : seconds),
      })),
    });

    async function startServer(variant: string): Promise<number> {
      const child = forkTs(benchFile('./workloads/http-server.ts'), {
        args: [variant],
        env: serverEnv,
      });
      children.push(child);
      return (await nextMessage(child, isMessage<{ type: 'ready'; port: number }>('ready'))).port;
    }
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
    redis.disconnect();
    await redisServer.stop();
  }
}

async function load(port: number, headers: Record<string, string>, duration: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/trpc/whoami`,
    connections: CONNECTIONS,
    duration,
    headers,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`port ${port}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return { req_per_s: result.requests.total / result.duration };
}
