/**
 * `@revoke/auth/live`: end live connections (SSE subscriptions, WebSockets) within S of their token's
 * revocation or at its expiry, in any service. See `LiveRevocations`.
 */
export { LiveRevocations } from './live-revocations.ts';
export {
  type LiveFeed,
  LiveLimitError,
  type LiveRevocationsOptions,
  type LiveWatch,
  type WatchOptions,
} from './live-types.ts';
export { liveRevocationsOf, watchToken } from './shared-registry.ts';
export { type UntilRevokedOptions, untilRevoked } from './until-revoked.ts';
