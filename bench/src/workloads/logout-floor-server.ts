// The `floor` of the `logout` workload, in its own process: the least durable work a logout must do,
// behind a bare node:http server (no fastify, no tRPC, no token verification, no ORM). Per request:
// one Postgres commit of one row (a prepared INSERT, autocommit), then one EVALSHA of a script that
// writes what the revocation writer's script writes (the entry with SET … EXAT, its index member,
// the PUBLISH), then 200. Our logout does all of this and more; the ratio says what the rest costs.
//
// DATABASE_URL: a database of its own (the workload creates and drops it); the table goes in a schema
// of its own. REDIS_URL, PREFIX: the same Redis as the auth app's, under a prefix of its own.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

const { DATABASE_URL = '', REDIS_URL = '', PREFIX = '' } = process.env;
/** The auth app's pool size (openPg's default), so both have as many backends to commit on. */
const POOL_SIZE = 10;
/** As long as an access token lives: the entry must outlive the token it revokes. */
const REVOCATION_TTL_SEC = 900;

/**
 * The writer's script without its read-merge (GET, EXPIRETIME, the not-before's ZREM) and its
 * trimming of expired index members, which a fresh id never needs.
 * KEYS: entry, index. ARGV: expAt, member, channel, event.
 */
const WRITE_SCRIPT = `
redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return redis.call('PUBLISH', ARGV[3], ARGV[4])
`;

const INSERT = {
  name: 'logout-floor-insert',
  text: 'insert into logout_floor.revocations (subject, expires_at) values ($1, to_timestamp($2))',
};

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE });
await pool.query(`create schema logout_floor;
  create table logout_floor.revocations (subject text primary key, expires_at timestamptz not null)`);
const redis = new Redis(REDIS_URL);
// defineCommand sends EVALSHA, falling back to EVAL once per connection, as the writer does.
redis.defineCommand('floorWrite', { numberOfKeys: 2, lua: WRITE_SCRIPT });
const floorWrite = (redis as Redis & { floorWrite(...args: (string | number)[]): Promise<number> })
  .floorWrite;

/** The bearer token is the id revoked: the load generator sends a fresh one with each request. */
async function logout(request: IncomingMessage, response: ServerResponse): Promise<void> {
  // The body (none, as with ours) is drained before answering, as any server must.
  for await (const _ of request);
  const id = request.headers.authorization?.replace(/^Bearer /, '');
  if (request.method !== 'POST' || !id) {
    response.writeHead(400).end();
    return;
  }
  const expAt = Math.floor(Date.now() / 1000) + REVOCATION_TTL_SEC;
  await pool.query({ ...INSERT, values: [id, expAt] });
  const event = JSON.stringify({
    v: 1,
    type: 'revoked',
    entry: { kind: 'jti', id, exp: expAt },
    at: Date.now(),
  });
  await floorWrite.call(
    redis,
    `${PREFIX}jti:${id}`,
    `${PREFIX}index`,
    expAt,
    `jti:${id}`,
    `${PREFIX}events`,
    event,
  );
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
}

const server = createServer((request, response) => {
  logout(request, response).catch((error: unknown) => {
    console.error('logout floor:', error);
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  void pool.end().then(() => process.exit(0));
});
