import type { RedisClient } from '@revoke/auth/writer';
import { ipRateLimitBucket } from './ip-bucket.ts';
import { limitKey } from './resilient-limiter.ts';

/**
 * The addresses (IPv4, or IPv6 /64) each account signed in from recently: where its owner usually
 * is. An address is either known or not; nothing else about it is kept.
 */
export interface KnownAddresses {
  /** Whether `email` signed in from `ip`'s bucket within the TTL; false when Redis cannot say in time. */
  has(email: string, ip: string): Promise<boolean>;
  /**
   * Records a successful sign-in from `ip`'s bucket (for the TTL again); resolves whether it was
   * already known, or undefined when Redis cannot say in time.
   */
  remember(email: string, ip: string): Promise<boolean | undefined>;
}

/** Options of {@link createKnownAddresses}. */
export interface KnownAddressesOptions {
  redis: RedisClient;
  /** Namespace of every key. */
  prefix: string;
  /** How long an address stays known after the last sign-in from it. */
  ttlSec: number;
  /** A Redis call slower than this is given up on. */
  timeoutMs: number;
}

/** `promise`'s value, or `fallback` when it fails or takes longer than `ms`. */
async function withinTime<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * {@link KnownAddresses} on Redis: one key per account and address, named by their digest (no
 * e-mail or address in Redis), with a TTL. There is no in-memory stand-in: while Redis cannot
 * answer, every address counts as unknown, the stricter side (the account-wide budget applies to
 * it, in memory, per process).
 */
export function createKnownAddresses(options: KnownAddressesOptions): KnownAddresses {
  const { redis, prefix, ttlSec, timeoutMs } = options;
  const key = (email: string, ip: string) => `${prefix}${limitKey(email, ipRateLimitBucket(ip))}`;
  return {
    async has(email, ip) {
      return (await withinTime(redis.exists(key(email, ip)), timeoutMs, 0)) === 1;
    },
    async remember(email, ip) {
      // One command sets the key and returns what it held: whether this sign-in was from a known place.
      const previous = await withinTime(
        redis.set(key(email, ip), '1', 'EX', ttlSec, 'GET'),
        timeoutMs,
        undefined,
      );
      return previous === undefined ? undefined : previous !== null;
    },
  };
}
