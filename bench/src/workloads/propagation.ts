// propagation: revoke → applied in N = 8 separate service processes. ours: writer.revokeToken (the
// Lua script: key, index, PUBLISH) until each child's feed has the entry in its cache; raw: a bare
// PUBLISH of a same-sized message until each child's plain subscriber got it. One revocation at a
// time, timed with the monotonic clock, which every process of this machine shares.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { benchFile, forkTs, isMessage, nextMessage, stopChild } from '../children.ts';
import { type BenchContext, interleave, type Row } from '../runner.ts';
import { quantile } from '../stats.ts';

const SERVICES = 8;

interface Applied {
  type: 'applied';
  kind: 'ours' | 'raw';
  at: number;
}

export async function runPropagation(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const perRound = quick ? 60 : 250;
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const prefix = testPrefix('bench-propagation');
  const rawChannel = `${prefix}raw`;
  const writer = createRevocationWriter({ redis, prefix });
  const children: ChildProcess[] = [];
  // Each pending hop: the kind expected and how many children still have to report it.
  let pending: { kind: Applied['kind']; at: number[]; done: () => void } | undefined;
  try {
    await progress.step(`propagation: start ${SERVICES} service processes`, async () => {
      await writer.setEpoch();
      for (let i = 0; i < SERVICES; i++) {
        const child = forkTs(benchFile('./workloads/propagation-child.ts'), {
          args: [redisServer.url, prefix, rawChannel],
        });
        children.push(child);
        child.on('message', (message) => {
          if (!isMessage<Applied>('applied')(message) || message.kind !== pending?.kind) return;
          pending.at.push(message.at);
          if (pending.at.length === SERVICES) pending.done();
        });
      }
      await Promise.all(children.map((child) => nextMessage(child, isMessage('ready'))));
    });

    /** Sends one revocation (or raw message) and resolves to the hop of each child, in ms. */
    async function hop(kind: Applied['kind'], send: () => Promise<unknown>): Promise<number[]> {
      const arrived = new Promise<number[]>((resolve) => {
        pending = { kind, at: [], done: () => resolve(pending!.at) };
      });
      const sentAt = Number(process.hrtime.bigint());
      await send();
      const at = await arrived;
      pending = undefined;
      return at.map((t) => (t - sentAt) / 1e6);
    }

    async function measure(kind: Applied['kind'], count: number) {
      const delays: number[] = [];
      for (let i = 0; i < count; i++) {
        const jti = randomBytes(16).toString('base64url');
        const exp = Math.floor(Date.now() / 1000) + 900;
        // The raw message is what ours publishes for the same revocation: same size, same parse work for Redis.
        const message = JSON.stringify({
          v: 1,
          type: 'revoked',
          entry: { kind: 'jti', id: jti, exp },
          at: Date.now(),
        });
        delays.push(
          ...(await hop(kind, () =>
            kind === 'ours' ? writer.revokeToken({ jti, exp }) : redis.publish(rawChannel, message),
          )),
        );
        // A short gap, so that hops do not queue behind each other.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return { p50_ms: quantile(delays, 0.5), p99_ms: quantile(delays, 0.99) };
    }

    return await interleave(context, {
      workload: 'propagation',
      units: { p50_ms: 'ms', p99_ms: 'ms' },
      rounds: quick ? 3 : 5,
      variants: (['ours', 'raw'] as const).map((kind) => ({
        name: kind,
        run: (round) => measure(kind, round < 0 ? 20 : perRound),
      })),
    });
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
    redis.disconnect();
    await redisServer.stop();
  }
}
