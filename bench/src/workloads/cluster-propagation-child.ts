// One "service" of the cluster propagation measurement: a RevocationFeed on a single Redis or on a
// Redis Cluster, reporting the monotonic clock (shared by every process of the machine) each time a
// revocation event has been applied to its cache.
import { parseClusterNodes, RevocationFeed } from '@revoke/auth/internal';

const [mode = '', target = '', prefix = ''] = process.argv.slice(2);
const feed = new RevocationFeed({
  prefix,
  ...(mode === 'cluster' ? { redisCluster: { nodes: parseClusterNodes(target) } } : { redisUrl: target }),
  // eventApplied fires right after the event's entry was added to the cache.
  observer: { eventApplied: () => process.send?.({ type: 'applied', at: Number(process.hrtime.bigint()) }) },
});
await feed.start();
process.send?.({ type: 'ready' });
process.on('SIGTERM', () => {
  void feed.close();
  process.exit(0);
});
