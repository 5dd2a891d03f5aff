import type { RevocationKind } from '@revoke/auth';
import { type AuthMetrics, createAuthMetrics } from '@revoke/auth/metrics';
import { Counter, Gauge } from 'prom-client';
import type { PruneCounts } from './maintenance/prune.ts';

/** The auth app's metrics: the shared guard/feed metrics plus logins, revocations, relay and rate limits. */
export interface AppMetrics {
  auth: AuthMetrics;
  login(result: 'ok' | 'invalid_credentials' | 'rate_limited'): void;
  revoked(kind: RevocationKind): void;
  relayed(count: number): void;
  reseeded(): void;
  /** Rows deleted by a pruning run, per table. */
  pruned(counts: PruneCounts): void;
  /** Reports the relay's lag at each scrape. */
  watchRelayLag(read: () => Promise<number>): void;
}

/** The `table` label of `auth_pruned_rows_total`: the table as Postgres names it. */
const PRUNED_TABLES = [
  ['refreshTokens', 'refresh_tokens'],
  ['sessions', 'sessions'],
  ['revocations', 'revocations'],
  ['auditLog', 'audit_log'],
] as const satisfies readonly (readonly [keyof PruneCounts, string])[];

export function createAppMetrics(): AppMetrics {
  const auth = createAuthMetrics();
  const registers = [auth.registry];
  let readLag: (() => Promise<number>) | undefined;
  const logins = new Counter({
    name: 'auth_logins_total',
    help: 'Login attempts by result.',
    labelNames: ['result'],
    registers,
  });
  const revocations = new Counter({
    name: 'auth_revocations_total',
    help: 'Committed revocations by kind.',
    labelNames: ['kind'],
    registers,
  });
  const relayed = new Counter({
    name: 'auth_relay_delivered_total',
    help: 'Revocations delivered to Redis.',
    registers,
  });
  const reseeds = new Counter({
    name: 'auth_redis_reseeds_total',
    help: 'Times Redis was re-seeded from Postgres.',
    registers,
  });
  const pruned = new Counter({
    name: 'auth_pruned_rows_total',
    help: 'Expired rows deleted by the pruning job, by table.',
    labelNames: ['table'],
    registers,
  });
  new Gauge({
    name: 'auth_relay_lag_seconds',
    help: 'Age of the oldest committed revocation not yet in Redis (0 when caught up).',
    registers,
    async collect() {
      if (readLag) this.set(await readLag().catch(() => Number.POSITIVE_INFINITY));
    },
  });
  return {
    auth,
    login: (result) => logins.inc({ result }),
    revoked: (kind) => revocations.inc({ kind }),
    relayed: (count) => relayed.inc(count),
    reseeded: () => reseeds.inc(),
    pruned(counts) {
      for (const [key, table] of PRUNED_TABLES) if (counts[key] > 0) pruned.inc({ table }, counts[key]);
    },
    watchRelayLag(read) {
      readLag = read;
    },
  };
}
