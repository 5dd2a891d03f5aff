import { type AccessClaims, AuthError } from '@revoke/auth';
import { DEFAULT_CLUSTER_SHARDS, redisTargetOf } from '@revoke/auth/internal';
import { type RedisClient, type RevocationKeys, revocationKeys } from '@revoke/auth/writer';
import type { AuthDeps } from '../deps.ts';
import { coalesceBatches } from './coalesced-batches.ts';
import { readRevocations } from './read-revocations.ts';
import { StreamSlots } from './stream-slots.ts';

/** Most tokens in one Redis read: a few thousand keys, so one MGET never holds Redis up for long. */
const MAX_TOKENS_PER_READ = 1000;
/**
 * At most one read per this interval: a steady arrival of streams costs at most 50 reads a second,
 * and a stream waits at most this much longer to be armed.
 */
const MIN_READ_INTERVAL_MS = 20;

/** Per auth app: how many sign-out streams are open, and how they ask Redis whether they are revoked. */
export interface SessionStreams {
  slots: StreamSlots;
  /** Whether Redis holds a revocation of this token; throws `REVOCATION_UNAVAILABLE` when it cannot say. */
  checkRevoked(claims: AccessClaims): Promise<boolean>;
}

/**
 * The Redis check a watch is armed with (and re-armed with after the hub reconnects), batched: every
 * watcher asking meanwhile shares one read, so N streams arming or re-checking at the same instant
 * cost one MGET (per shard in a cluster), not N round trips, and a reconnect cannot hit Redis with
 * one command per open stream.
 *
 * Why Redis and not the auth app's own revocation cache, fresh as it usually is: that cache is proven
 * complete only as of its feed's last heartbeat, up to a second ago. A revocation published after that
 * proof but before the watcher registered with the hub may not have reached the cache yet, and the
 * watcher did not hear it; the once-a-second poll would catch it later, but `watching` promises that
 * nothing revoked before it is still pending. Redis has it: the writer set the key in the same atomic step
 * as it published it, so a read after the registration leaves no gap (`watch-session.ts`). Waiting for
 * the feed's next heartbeat instead would also close the gap, but would delay every stream by up to a second.
 */
export function createBatchedRevocationCheck(
  redis: RedisClient,
  keys: RevocationKeys,
): (claims: AccessClaims) => Promise<boolean> {
  const read = coalesceBatches({
    run: (batch: AccessClaims[]) => readRevocations(redis, keys, batch),
    maxBatch: MAX_TOKENS_PER_READ,
    minIntervalMs: MIN_READ_INTERVAL_MS,
  });
  return async (claims) => {
    const verdict = await read(claims);
    if (verdict === 'unknown')
      throw new AuthError('REVOCATION_UNAVAILABLE', {
        cause: new Error('Redis holds no revocation epoch'),
      });
    return verdict === 'revoked';
  };
}

// Keyed by the app's dependencies, as the hub is: AuthDeps needs no new member, and each test app gets its own.
const streams = new WeakMap<AuthDeps, SessionStreams>();

/** The auth app's sign-out stream state, created on first use. */
export function sessionStreamsOf(deps: AuthDeps): SessionStreams {
  let state = streams.get(deps);
  if (!state) {
    const target = redisTargetOf(deps.env);
    const keys = revocationKeys(deps.env.REVOCATION_PREFIX, {
      shards: target.cluster ? (target.cluster.shards ?? DEFAULT_CLUSTER_SHARDS) : undefined,
    });
    state = {
      slots: new StreamSlots({
        maxPerSession: deps.env.SESSION_EVENTS_MAX_PER_SESSION,
        maxPerUser: deps.env.SESSION_EVENTS_MAX_PER_USER,
      }),
      // The app's command connection: it fails fast (no offline queue) and times out (commandTimeout).
      checkRevoked: createBatchedRevocationCheck(deps.redis, keys),
    };
    streams.set(deps, state);
  }
  return state;
}
