// One "service" of the propagation workload: a RevocationFeed (ours) and a bare ioredis subscriber
// (raw), each reporting the monotonic clock (shared by every process of the machine) at the moment
// a revocation is applied to the cache, or a raw message arrives.
import { RevocationFeed } from '@revoke/auth/internal';
import { Redis } from 'ioredis';

const [redisUrl = '', prefix = '', rawChannel = ''] = process.argv.slice(2);
const report = (kind: 'ours' | 'raw') =>
  process.send?.({ type: 'applied', kind, at: Number(process.hrtime.bigint()) });

// eventApplied fires right after the event's entry was added to the cache.
const feed = new RevocationFeed({ redisUrl, prefix, observer: { eventApplied: () => report('ours') } });
const raw = new Redis(redisUrl);
raw.on('message', () => report('raw'));
await Promise.all([feed.start(), raw.subscribe(rawChannel)]);
process.send?.({ type: 'ready' });
process.on('SIGTERM', () => {
  void feed.close();
  raw.disconnect();
  process.exit(0);
});
