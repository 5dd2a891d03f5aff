import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuthObserver } from './observer.ts';

export type { AuthObserver, CheckResult } from './observer.ts';

import type { RevocationFeed } from './revocation/feed.ts';

/**
 * An {@link AuthObserver} that records Prometheus metrics, plus the registry to serve at `/metrics`.
 *
 * @example
 * ```ts
 * import { createRevocationGuard } from '@revoke/auth';
 * import { type AuthMetrics, createAuthMetrics } from '@revoke/auth/metrics';
 *
 * const metrics: AuthMetrics = createAuthMetrics({ prefix: 'notes_' });
 * const auth = createRevocationGuard({ issuer, audience: 'notes', metrics }); // it calls metrics.watch(auth.feed)
 * app.get('/metrics', async (_req, res) => {
 *   res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
 * });
 * ```
 */
export interface AuthMetrics extends AuthObserver {
  readonly registry: Registry;
  /** Report this feed's cache size, staleness and readiness on every scrape. */
  watch(feed: RevocationFeed): void;
}

/**
 * Prometheus metrics of the guard and the feed: checks by result, cache size, feed staleness,
 * reconnects, events applied and their propagation delay (from the event's timestamp).
 *
 * @example
 * ```ts
 * import { createRevocationGuard } from '@revoke/auth';
 * import { createAuthMetrics } from '@revoke/auth/metrics';
 *
 * const metrics = createAuthMetrics({ registry }); // your prom-client Registry
 * const auth = createRevocationGuard({ issuer, audience: 'notes', metrics });
 * app.get('/metrics', async (_req, res) => res.type('text/plain').send(await registry.metrics()));
 * ```
 */
export function createAuthMetrics(options: { registry?: Registry; prefix?: string } = {}): AuthMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? 'revoke_';
  const registers = [registry];
  let feed: RevocationFeed | undefined;

  const checks = new Counter({
    name: `${p}auth_checks_total`,
    help: 'Token checks by result.',
    labelNames: ['result'],
    registers,
  });
  const directChecks = new Counter({
    name: `${p}direct_checks_total`,
    help: 'Checks that asked Redis directly because the feed was stale, by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  const reconnects = new Counter({
    name: `${p}feed_reconnects_total`,
    help: 'Subscriber connections lost.',
    registers,
  });
  const events = new Counter({
    name: `${p}feed_events_applied_total`,
    help: 'Revocation events applied.',
    registers,
  });
  const delay = new Histogram({
    name: `${p}propagation_delay_seconds`,
    help: 'From a revocation event being published to it being applied here.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers,
  });
  const snapshots = new Histogram({
    name: `${p}snapshot_duration_seconds`,
    help: 'Time to bring the local cache up to date after a (re)connect: resumed from the stream, or full.',
    labelNames: ['mode'],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 3, 10],
    registers,
  });
  new Gauge({
    name: `${p}cache_entries`,
    help: 'Live revoked entries in the local cache, by kind.',
    labelNames: ['kind'],
    registers,
    collect() {
      if (!feed) return;
      for (const [kind, size] of Object.entries(feed.cache.sizes())) this.set({ kind }, size);
    },
  });
  new Gauge({
    name: `${p}feed_staleness_seconds`,
    help: 'Seconds since the local cache was last proven complete.',
    registers,
    collect() {
      // Infinity before the first snapshot; Prometheus accepts +Inf.
      if (feed) this.set(feed.stalenessMs() / 1000);
    },
  });
  new Gauge({
    name: `${p}feed_ready`,
    help: '1 once the first snapshot has loaded.',
    registers,
    collect() {
      if (feed) this.set(feed.ready ? 1 : 0);
    },
  });

  return {
    registry,
    watch(watched) {
      feed = watched;
    },
    check: (result) => checks.inc({ result }),
    directCheck: (outcome) => directChecks.inc({ outcome }),
    reconnect: () => reconnects.inc(),
    eventApplied(delayMs) {
      events.inc();
      delay.observe(delayMs / 1000);
    },
    snapshot: (_entries, durationMs, mode) => snapshots.observe({ mode }, durationMs / 1000),
  };
}
