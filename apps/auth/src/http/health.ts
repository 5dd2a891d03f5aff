import { databaseAnswers } from '@revoke/service';
import type { AuthDeps } from '../deps.ts';

/** Past this, the relay counts as behind and the app as not ready. */
const MAX_RELAY_LAG_SEC = 5;

/**
 * The auth app's `/readyz` checks: Postgres and Redis answer, the relay keeps up (revocations reach
 * Redis), and its own revocation feed is loaded and fresh.
 */
export async function authReadiness(deps: AuthDeps): Promise<Record<string, boolean>> {
  return {
    postgres: await databaseAnswers(deps.db),
    redis: await deps.redis
      .ping()
      .then(() => true)
      .catch(() => false),
    relay: await deps.relay
      .lagSeconds()
      .then((lag) => lag <= MAX_RELAY_LAG_SEC)
      .catch(() => false),
    feed: deps.feed.ready && deps.feed.isFresh(),
  };
}
