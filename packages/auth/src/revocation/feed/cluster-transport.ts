import { randomBytes } from 'node:crypto';
import type { AccessClaims } from '../../claims.ts';
import type { Logger } from '../../observer.ts';
import type { RevocationCache } from '../cache.ts';
import { createRedisClient, type RedisClient, type RedisClusterConfig } from '../connection.ts';
import { lookupIds } from '../entry.ts';
import { DEFAULT_CLUSTER_SHARDS, type RevocationKeys, revocationKeys } from '../keys.ts';
import { combinedEpoch, loadSnapshot, type SnapshotOptions, type SnapshotResult } from '../snapshot.ts';
import {
  connectAll,
  type FeedTransport,
  feedConnectionOptions,
  logConnectionErrors,
  type TransportEvents,
  type TransportOptions,
} from './transport.ts';

/** One heartbeat round: an echo awaited from each shard, and the shards' epochs. */
interface EchoRound {
  id: string;
  /** Shards whose echo has not arrived yet. */
  pending: Set<number>;
  /** The shards' combined epoch once read (null: some shard holds none). */
  epoch?: string | null;
  resolve(epoch: string | null): void;
}

/** Unanswered rounds in a row after which the subscriber starts over. */
const LOST_ROUNDS_BEFORE_RECONNECT = 5;

/**
 * A Redis Cluster: events arrive by sharded pub/sub (`SSUBSCRIBE` to every shard's channel, one subscriber
 * connection per master) and snapshots read every shard.
 *
 * A PING on a cluster client reaches some node's command connection, not the sharded subscribers, so it
 * proves nothing about delivery. Instead each heartbeat round SPUBLISHes a token on every shard's echo
 * channel (same hash tag as the shard's event channel, so the same master and the same subscriber
 * connection) and reads every shard's epoch. A shard's echo arriving proves that its subscription is live
 * and that every event published on it before the echo has been delivered (one master, one connection, in
 * order): a complete round proves the whole subscription, which is what a failover otherwise leaves unsaid.
 */
export class ClusterTransport implements FeedTransport {
  readonly heartbeatConfirmsSubscription = true;
  readonly shardCount: number;
  readonly #keys: RevocationKeys;
  readonly #sub: RedisClient;
  readonly #cmd: RedisClient;
  readonly #log: Logger;
  /** Per shard, the channel only this feed listens to, for its heartbeat echoes. */
  readonly #echoChannels: string[];
  readonly #shardOfChannel: Map<string, number>;
  #round: EchoRound | undefined;
  #lostRounds = 0;

  constructor(options: TransportOptions & { redisCluster: RedisClusterConfig }) {
    const cluster = options.redisCluster;
    this.#keys = revocationKeys(options.prefix, {
      shards: cluster.shards ?? DEFAULT_CLUSTER_SHARDS,
    });
    this.shardCount = this.#keys.shards.length;
    this.#log = options.logger;
    const common = feedConnectionOptions(options.redisOptions);
    // ioredis keeps one sharded subscriber per master and re-subscribes after a failover by itself, but
    // says nothing when that is acknowledged: the echoes on each shard are what prove it.
    this.#sub = createRedisClient({
      cluster: { ...cluster, options: { ...cluster.options, shardedSubscribers: true } },
      redisOptions: { ...common, connectionName: 'revocation-feed' },
    });
    this.#cmd = createRedisClient({
      cluster,
      redisOptions: { ...common, connectionName: 'revocation-feed-cmd' },
    });
    const feedId = randomBytes(8).toString('base64url');
    this.#echoChannels = this.#keys.shards.map((shard) => `${shard.channel}:echo:${feedId}`);
    this.#shardOfChannel = new Map(this.#keys.shards.map((shard, n) => [shard.channel, n]));
    logConnectionErrors(this.#log, this.#sub, this.#cmd);
  }

  start(events: TransportEvents): void {
    this.#sub.on('ready', () => void this.#subscribe(events));
    this.#sub.on('close', () => events.gap());
    this.#sub.on('smessage', (channel: string, message: string) => {
      const echo = this.#echoChannels.indexOf(channel);
      if (echo >= 0) this.#onEcho(echo, message);
      else events.message(message, this.#shardOfChannel.get(channel) ?? -1);
    });
    // A subscriber connection came or went (failover, a master replaced): messages may have been lost in
    // between, so nothing is complete until echoes prove every shard again and a snapshot ran.
    for (const event of ['-node', '+subscriber', '-subscriber', 'subscribersReady']) {
      this.#sub.on(event, () => events.gap());
    }
    this.#cmd.on('ready', () => events.commandsReady());
    connectAll(this.#sub, this.#cmd);
  }

  async #subscribe(events: TransportEvents): Promise<void> {
    const sub = this.#sub;
    try {
      // One SSUBSCRIBE per shard: a shard's channels share its hash tag, so they go to its master's subscriber.
      await Promise.all(
        this.#keys.shards.map((shard, n) => sub.ssubscribe(shard.channel, this.#echoChannels[n]!)),
      );
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'revocation feed: subscribe failed; retrying on reconnect');
      sub.disconnect(true);
      return;
    }
    events.subscribed();
  }

  canHeartbeat(): boolean {
    return this.#sub.status === 'ready';
  }

  heartbeat(): Promise<string | null> {
    const cmd = this.#cmd;
    return new Promise((resolve) => {
      const round: EchoRound = {
        id: randomBytes(6).toString('base64url'),
        pending: new Set(this.#keys.shards.keys()),
        resolve,
      };
      this.#round = round;
      Promise.all(this.#keys.shards.map((shard) => cmd.get(shard.epoch))).then(
        (epochs) => {
          round.epoch = combinedEpoch(epochs);
          this.#maybeComplete(round);
        },
        // An unread epoch leaves the round incomplete: the feed times it out.
        () => {},
      );
      // An echo that cannot be sent never arrives either: the round stays incomplete.
      for (const channel of this.#echoChannels) cmd.spublish(channel, round.id).catch(() => {});
    });
  }

  heartbeatLost(): void {
    this.#round = undefined;
    this.#log.warn({}, 'revocation feed: heartbeat echo missing on a shard; resynchronising');
    // ioredis normally re-subscribes after a topology change; if it did not within a few rounds, start over.
    if (++this.#lostRounds >= LOST_ROUNDS_BEFORE_RECONNECT) {
      this.#lostRounds = 0;
      this.#sub.disconnect(true);
    }
  }

  #onEcho(shard: number, id: string): void {
    const round = this.#round;
    if (round?.id !== id) return;
    round.pending.delete(shard);
    this.#maybeComplete(round);
  }

  #maybeComplete(round: EchoRound): void {
    if (this.#round !== round || round.pending.size > 0 || round.epoch === undefined) return;
    this.#round = undefined;
    this.#lostRounds = 0;
    round.resolve(round.epoch);
  }

  canSnapshot(): boolean {
    return this.#cmd.status === 'ready';
  }

  snapshot(cache: RevocationCache, options: SnapshotOptions): Promise<SnapshotResult> {
    return loadSnapshot(this.#cmd, this.#keys, cache, options);
  }

  /**
   * The keys sit in up to four slots (MGET would be CROSSSLOT), each shard with its own epoch; the answer
   * counts only if every shard read holds one.
   */
  async readEntries(claims: AccessClaims): Promise<(string | null)[]> {
    const keys = this.#keys;
    const cmd = this.#cmd;
    const wanted = lookupIds(claims);
    const shards = [...new Set(wanted.map(([kind, id]) => keys.shardOf(kind, id)))];
    const [epochs, values] = await Promise.all([
      Promise.all(shards.map((shard) => cmd.get(keys.shards[shard]!.epoch))),
      Promise.all(wanted.map(([kind, id]) => cmd.get(keys.entry(kind, id)))),
    ]);
    const trusted = epochs.every((epoch) => epoch?.endsWith(keys.epochSuffix));
    return [trusted ? 'present' : null, ...values];
  }

  close(): void {
    this.#round = undefined;
    this.#sub.disconnect();
    this.#cmd.disconnect();
  }
}
