/**
 * `@revoke/auth/live`: end live connections (SSE subscriptions, WebSockets) within S of their token's
 * revocation or at its expiry, in any service. See `LiveRevocations`.
 */
export {
  type LiveFeed,
  LiveLimitError,
  LiveRevocations,
  type LiveRevocationsOptions,
  type LiveWatch,
  liveRevocationsOf,
  type WatchOptions,
  watchToken,
} from './live-revocations.ts';
export { type UntilRevokedOptions, untilRevoked } from './until-revoked.ts';
