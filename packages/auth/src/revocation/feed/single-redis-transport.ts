import { Redis } from 'ioredis';
import type { AccessClaims } from '../../claims.ts';
import type { Logger } from '../../observer.ts';
import type { RevocationCache } from '../cache.ts';
import { lookupIds } from '../entry.ts';
import { type RevocationKeys, revocationKeys } from '../keys.ts';
import { loadSnapshot, type SnapshotOptions, type SnapshotResult } from '../snapshot.ts';
import {
  connectAll,
  type FeedTransport,
  feedConnectionOptions,
  logConnectionErrors,
  type TransportEvents,
  type TransportOptions,
} from './transport.ts';

/**
 * One Redis: a subscriber connection on the one event channel and a command connection. The heartbeat is
 * a PING on the subscriber (its PONG comes after every message published before it) plus a read of the epoch.
 */
export class SingleRedisTransport implements FeedTransport {
  readonly heartbeatConfirmsSubscription = false;
  readonly shardCount = 1;
  readonly #keys: RevocationKeys;
  readonly #sub: Redis;
  readonly #cmd: Redis;
  readonly #log: Logger;

  constructor(options: TransportOptions) {
    this.#keys = revocationKeys(options.prefix);
    this.#log = options.logger;
    const common = feedConnectionOptions(options.redisOptions);
    // We resubscribe ourselves: ioredis's own resubscription is not awaited before `ready`.
    this.#sub = new Redis(options.redisUrl, {
      ...common,
      autoResubscribe: false,
      connectionName: 'revocation-feed',
    });
    this.#cmd = new Redis(options.redisUrl, { ...common, connectionName: 'revocation-feed-cmd' });
    logConnectionErrors(this.#log, this.#sub, this.#cmd);
  }

  start(events: TransportEvents): void {
    this.#sub.on('ready', () => void this.#subscribe(events));
    this.#sub.on('close', () => events.gap());
    this.#sub.on('message', (_channel: string, message: string) => events.message(message, 0));
    this.#cmd.on('ready', () => events.commandsReady());
    connectAll(this.#sub, this.#cmd);
  }

  async #subscribe(events: TransportEvents): Promise<void> {
    try {
      await this.#sub.subscribe(this.#keys.channel);
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'revocation feed: subscribe failed; retrying on reconnect');
      this.#sub.disconnect(true);
      return;
    }
    // Only after Redis acknowledged the subscription is a snapshot gap-free.
    events.subscribed();
  }

  canHeartbeat(): boolean {
    return this.#sub.status === 'ready';
  }

  async heartbeat(): Promise<string | null> {
    const [, epoch] = await Promise.all([this.#sub.ping(), this.#cmd.get(this.#keys.epoch)]);
    return epoch;
  }

  heartbeatLost(): void {
    this.#log.warn({}, 'revocation feed: heartbeat unanswered; reconnecting');
    this.#sub.disconnect(true);
    this.#cmd.disconnect(true);
  }

  canSnapshot(): boolean {
    return this.#cmd.status === 'ready';
  }

  snapshot(cache: RevocationCache, options: SnapshotOptions): Promise<SnapshotResult> {
    return loadSnapshot(this.#cmd, this.#keys, cache, options);
  }

  readEntries(claims: AccessClaims): Promise<(string | null)[]> {
    const keys = this.#keys;
    return this.#cmd.mget(keys.epoch, ...lookupIds(claims).map(([kind, id]) => keys.entry(kind, id)));
  }

  close(): void {
    // disconnect, not quit: quit waits for a reply that a frozen Redis never sends.
    this.#sub.disconnect();
    this.#cmd.disconnect();
  }
}
