import type { AccessClaims } from '../../claims.ts';
import { AuthError } from '../../errors.ts';
import type { AuthObserver } from '../../observer.ts';
import { withTimeout } from '../with-timeout.ts';
import type { FeedTransport } from './transport.ts';

/**
 * Asks Redis whether these claims are revoked, for when the feed is stale: the request path's fallback,
 * bounded by `timeoutMs` so that a hung Redis never hangs a request. Throws `REVOCATION_UNAVAILABLE` when
 * Redis cannot answer in time, or holds no epoch (it lost its data, so a missing key proves nothing).
 */
export async function checkDirect(
  transport: FeedTransport,
  claims: AccessClaims,
  timeoutMs: number,
  observer: AuthObserver,
): Promise<boolean> {
  let values: (string | null)[];
  try {
    values = await withTimeout(transport.readEntries(claims), timeoutMs, 'direct revocation check');
  } catch (cause) {
    observer.directCheck?.('unavailable');
    throw new AuthError('REVOCATION_UNAVAILABLE', { cause });
  }
  const [epoch, jti, sid, notBefore, kid] = values;
  if (epoch === null) {
    observer.directCheck?.('unavailable');
    throw new AuthError('REVOCATION_UNAVAILABLE', { cause: new Error('Redis holds no revocation epoch') });
  }
  const revoked =
    jti != null || sid != null || kid != null || (notBefore != null && claims.iat < Number(notBefore));
  observer.directCheck?.(revoked ? 'revoked' : 'ok');
  return revoked;
}
