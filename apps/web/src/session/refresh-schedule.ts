/** Shortest wait before a refresh, so a clock that is far off cannot make a tab refresh in a loop. */
export const MIN_REFRESH_DELAY_MS = 1000;

/**
 * Milliseconds from `now` until the access token should be refreshed: once `refreshAt` of its
 * lifetime (from `receivedAt`, when the pair arrived, to `expiresAt`) has passed. Never negative and
 * never sooner than {@link MIN_REFRESH_DELAY_MS} unless the token has already expired.
 */
export function refreshDelayMs(input: {
  receivedAt: number;
  expiresAt: number;
  refreshAt: number;
  now: number;
}): number {
  const { receivedAt, expiresAt, refreshAt, now } = input;
  if (expiresAt <= now) return 0;
  const lifetime = Math.max(0, expiresAt - receivedAt);
  const due = receivedAt + lifetime * refreshAt;
  return Math.max(MIN_REFRESH_DELAY_MS, due - now);
}

/** Wait before the next try after a failed refresh (network down, 503): 2 s, 4 s, … at most 30 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(1, failures));
}
