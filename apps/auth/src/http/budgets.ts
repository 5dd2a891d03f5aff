import type { RedisClient } from '@revoke/auth/writer';
import type { AuthDb } from '@revoke/db/auth';
import type { Env } from '../env.ts';
import { type Budget, createBudget } from './budget.ts';
import { createRefreshBudget } from './refresh-budget.ts';

/**
 * The budgets of the calls that cost the server work or storage on demand. Each is consumed
 * before the work, so a refused call hashes, writes, revokes and rotates nothing.
 */
export interface AuthBudgets {
  /** `auth.register` per address (IPv4, or IPv6 /64): each one costs an argon2 hash and a row. */
  register: Budget;
  /**
   * `auth.logout`, `auth.revokeSession` and `POST /oauth/revoke` per user (`sub`): each writes
   * revocations that Redis and every service's cache hold until they expire.
   */
  revoke: Budget;
  /**
   * `auth.logoutAll` per user, counted apart from `revoke`: someone holding a stolen access token
   * can spend `revoke` (`auth.logout` accepts an already revoked token), but cannot spend this one
   * more than once, since the first call ends every session and token of the user, the thief's too.
   * The owner can always still log out everywhere.
   */
  logoutAll: Budget;
  /** `auth.refresh` per session; the subject is the presented refresh token (reuse is never refused). */
  refresh: Pick<Budget, 'consume'>;
}

/** Every {@link AuthBudgets} budget, with the rules of `env`, under `<prefix>budget:`. */
export function createAuthBudgets(options: {
  env: Pick<
    Env,
    | 'REVOCATION_PREFIX'
    | 'REGISTER_MAX_PER_IP'
    | 'REGISTER_WINDOW_SEC'
    | 'REVOKE_MAX_PER_USER'
    | 'REVOKE_WINDOW_SEC'
    | 'REFRESH_MAX_PER_SESSION'
    | 'REFRESH_WINDOW_SEC'
    | 'REFRESH_REUSE_GRACE_SEC'
  >;
  redis: RedisClient;
  db: AuthDb;
}): AuthBudgets {
  const { env, redis, db } = options;
  const budget = (name: string, points: number, durationSec: number) =>
    createBudget({ redis, prefix: `${env.REVOCATION_PREFIX}budget:${name}`, rule: { points, durationSec } });
  const revokeRule = [env.REVOKE_MAX_PER_USER, env.REVOKE_WINDOW_SEC] as const;
  return {
    register: budget('register', env.REGISTER_MAX_PER_IP, env.REGISTER_WINDOW_SEC),
    revoke: budget('revoke', ...revokeRule),
    logoutAll: budget('logout-all', ...revokeRule),
    refresh: createRefreshBudget(db, budget('refresh', env.REFRESH_MAX_PER_SESSION, env.REFRESH_WINDOW_SEC), {
      reuseGraceSec: env.REFRESH_REUSE_GRACE_SEC,
    }),
  };
}
