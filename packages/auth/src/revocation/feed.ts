export {
  type FeedApplied,
  type FeedStatus,
  RevocationFeed,
  type RevocationFeedOptions,
} from './feed/feed.ts';
