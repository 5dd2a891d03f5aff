import type { AccessClaims } from './claims.ts';
import { AuthError, isAuthError } from './errors.ts';
import type { AuthObserver, CheckResult, Logger } from './observer.ts';
import { silentLogger } from './observer.ts';
import type { RevocationFeed } from './revocation/feed.ts';
import type { TokenVerifier } from './verify/verify-token.ts';

export interface AuthGuardOptions {
  verifier: TokenVerifier;
  feed: RevocationFeed;
  observer?: AuthObserver;
  logger?: Logger;
}

/**
 * What a procedure may relax.
 *
 * @example
 * ```ts
 * import type { AuthenticateOptions } from '@revoke/auth';
 *
 * const relaxed: AuthenticateOptions = { failOpen: true };
 * const claims = await auth.authenticate(token, relaxed); // accepted even when Redis cannot answer (counted)
 * ```
 */
export interface AuthenticateOptions {
  /**
   * When Redis cannot say whether a token is revoked (feed stale and Redis unreachable), accept the
   * token anyway instead of refusing with `REVOCATION_UNAVAILABLE`. Counted and logged every time.
   * Only for procedures where availability matters more than an instant logout.
   */
  failOpen?: boolean;
}

/**
 * Verifies a token and checks it against revocation: the decision every protected request needs.
 *
 * @example
 * ```ts
 * import { type AuthGuard, createRevocationGuard } from '@revoke/auth';
 *
 * const guard: AuthGuard = createRevocationGuard({ issuer: 'https://auth.example.com', audience: 'notes' });
 * const claims = await guard.authenticate(token); // rejects with an AuthError when refused
 * // in a unit test, a stand-in:
 * const fake: AuthGuard = { authenticate: async () => claims };
 * ```
 */
export interface AuthGuard {
  /** The token's claims, or an {@link AuthError} saying why it is refused. Never throws anything else. */
  authenticate(token: unknown, options?: AuthenticateOptions): Promise<AccessClaims>;
}

/** An {@link AuthGuard} from a verifier and a running revocation feed. */
export function createAuthGuard({
  verifier,
  feed,
  observer = {},
  logger = silentLogger,
}: AuthGuardOptions): AuthGuard {
  const count = (result: CheckResult) => observer.check?.(result);

  /** Throws when revoked (or unknowable and not failing open); otherwise says how it was accepted. */
  async function checkRevocation(
    claims: AccessClaims,
    options?: AuthenticateOptions,
  ): Promise<'ok' | 'fail_open'> {
    if (feed.cache.isRevoked(claims)) throw new AuthError('TOKEN_REVOKED');
    // Fresh feed: the cache holds every live revocation, so absence means "not revoked".
    if (feed.isFresh()) return 'ok';
    try {
      if (await feed.checkDirect(claims)) throw new AuthError('TOKEN_REVOKED');
      return 'ok';
    } catch (error) {
      if (!(isAuthError(error) && error.code === 'REVOCATION_UNAVAILABLE') || !options?.failOpen) throw error;
      logger.warn(
        { sid: claims.sid, stalenessMs: feed.stalenessMs() },
        'auth: revocation state unavailable; failing open',
      );
      return 'fail_open';
    }
  }

  return {
    async authenticate(token, options) {
      try {
        const claims = (typeof token === 'string' && verifier.peek(token)) || (await verifier.verify(token));
        count(await checkRevocation(claims, options));
        return claims;
      } catch (error) {
        if (!isAuthError(error)) {
          // A bug, not a client's doing: log it, but still answer with a code, never a stack.
          logger.error({ err: String(error) }, 'auth: unexpected error while authenticating');
          count('invalid');
          throw new AuthError('TOKEN_INVALID', { cause: error });
        }
        count(resultOf(error));
        throw error;
      }
    },
  };
}

function resultOf(error: AuthError): CheckResult {
  switch (error.code) {
    case 'TOKEN_MISSING':
      return 'missing';
    case 'TOKEN_EXPIRED':
      return 'expired';
    case 'TOKEN_REVOKED':
      return 'revoked';
    case 'REVOCATION_UNAVAILABLE':
      return 'unavailable';
    default:
      return 'invalid';
  }
}
