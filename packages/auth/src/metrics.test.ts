import { describe, expect, it } from 'vitest';
import { createAuthMetrics } from './metrics.ts';
import { RevocationFeed } from './revocation/feed.ts';

describe('createAuthMetrics', () => {
  it('exposes checks, events, delay, reconnects and the watched feed in Prometheus text', async () => {
    const metrics = createAuthMetrics();
    // Never started: no connection is made, but its cache and staleness can be reported.
    const feed = new RevocationFeed({ redisUrl: 'redis://127.0.0.1:1' });
    feed.cache.add({ kind: 'jti', id: 'x', exp: Math.floor(Date.now() / 1000) + 60 });
    metrics.watch(feed);
    metrics.check?.('ok');
    metrics.check?.('revoked');
    metrics.eventApplied?.(2);
    metrics.reconnect?.();
    const text = await metrics.registry.metrics();
    expect(text).toContain('revoke_auth_checks_total{result="ok"} 1');
    expect(text).toContain('revoke_auth_checks_total{result="revoked"} 1');
    expect(text).toContain('revoke_feed_events_applied_total 1');
    expect(text).toContain('revoke_feed_reconnects_total 1');
    expect(text).toContain('revoke_propagation_delay_seconds_bucket{le="0.0025"} 1');
    expect(text).toContain('revoke_cache_entries{kind="jti"} 1');
    expect(text).toContain('revoke_feed_ready 0');
    expect(text).toMatch(/revoke_feed_staleness_seconds \+Inf/);
    await feed.close();
  });
});
