// The issuer's part (an auth server's): marks Redis as holding every live revocation, so feeds may start.
import { createRevocationWriter } from '@revoke/auth/writer';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const writer = createRevocationWriter({ redis, prefix: process.env.REVOCATION_PREFIX ?? 'revoke:' });
console.log(`epoch ${await writer.setEpoch()}`);
redis.disconnect();
