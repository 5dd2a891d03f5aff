import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { RevocationKeys } from './keys.ts';

/**
 * What the auth app's revocations are kept for: a revocation lives in Redis (and in every cache) until
 * its token's `exp` plus `clockToleranceSec`, and a session's or user's until their longest token,
 * `maxTokenLifetimeSec`, has expired. A service that accepted tokens later past `exp`, or longer-lived
 * ones, would accept a revoked token after every store had forgotten its revocation.
 *
 * @example
 * ```ts
 * import type { IssuerPolicy } from '@revoke/auth/writer';
 *
 * const policy: IssuerPolicy = { clockToleranceSec: 5, maxTokenLifetimeSec: 900 };
 * await writer.setPolicy(policy);
 * ```
 */
export interface IssuerPolicy {
  clockToleranceSec: number;
  maxTokenLifetimeSec: number;
}

const policySchema = z.object({
  v: z.literal(1),
  clockToleranceSec: z.number().int().min(0).max(3600),
  maxTokenLifetimeSec: z
    .number()
    .int()
    .min(1)
    .max(31 * 86_400),
});

/** Thrown when a service is configured to accept more than the auth app keeps revocations for. */
export class IssuerPolicyError extends Error {
  override readonly name = 'IssuerPolicyError';
}

/**
 * Stores the policy (no expiry: it stands until the auth app writes another).
 *
 * @example
 * ```ts
 * import { revocationKeys, writeIssuerPolicy } from '@revoke/auth/writer';
 *
 * await writeIssuerPolicy(redis, revocationKeys('revoke:'), { clockToleranceSec: 5, maxTokenLifetimeSec: 900 });
 * ```
 */
export async function writeIssuerPolicy(
  redis: RedisClient,
  keys: RevocationKeys,
  policy: IssuerPolicy,
): Promise<void> {
  await redis.set(keys.policy, JSON.stringify({ v: 1, ...policy }));
}

/** The stored policy, or null when the auth app has not written one (yet, or since Redis lost its data). */
export async function readIssuerPolicy(
  redis: RedisClient,
  keys: RevocationKeys,
): Promise<IssuerPolicy | null> {
  const raw = await redis.get(keys.policy);
  if (raw === null) return null;
  const parsed = policySchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new IssuerPolicyError(`unreadable token policy in Redis at ${keys.policy}`);
  return {
    clockToleranceSec: parsed.data.clockToleranceSec,
    maxTokenLifetimeSec: parsed.data.maxTokenLifetimeSec,
  };
}

/**
 * A service's effective policy: each setting it left unset is the auth app's; one it set must be no
 * larger than the auth app's, or it throws {@link IssuerPolicyError} naming the setting (the service
 * must refuse to start). Smaller is allowed: stricter than the issuer is safe.
 */
export function resolveVerifierPolicy(
  own: { clockToleranceSec?: number | undefined; maxTokenLifetimeSec?: number | undefined },
  issuer: IssuerPolicy,
  names = { clockToleranceSec: 'CLOCK_TOLERANCE_SEC', maxTokenLifetimeSec: 'MAX_TOKEN_LIFETIME_SEC' },
): IssuerPolicy {
  const effective = {
    clockToleranceSec: own.clockToleranceSec ?? issuer.clockToleranceSec,
    maxTokenLifetimeSec: own.maxTokenLifetimeSec ?? issuer.maxTokenLifetimeSec,
  };
  const why = {
    clockToleranceSec:
      'a token revoked near its expiry would be accepted here after its revocation expired everywhere',
    maxTokenLifetimeSec: "a session's or user's revocation would expire here while such a token still lived",
  };
  for (const key of ['clockToleranceSec', 'maxTokenLifetimeSec'] as const) {
    if (effective[key] > issuer[key]) {
      throw new IssuerPolicyError(
        `${names[key]}=${effective[key]} is larger than the auth app's ${issuer[key]}: ${why[key]}. ` +
          `Unset it to take the auth app's value, or lower it.`,
      );
    }
  }
  return effective;
}
