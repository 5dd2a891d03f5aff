#!/usr/bin/env bash
# Makes sure the Redis and Postgres the tests use answer, starting local ones when they do not.
# Never reconfigures a running server. Redis must evict nothing (docs/architecture.md, "Revocation"): it is checked.
set -uo pipefail
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
PG_HOST=${PG_HOST:-127.0.0.1}

if ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "Redis not answering at $REDIS_URL: starting a local redis-server (no persistence)"
    mkdir -p /tmp/revoke-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --maxmemory-policy noeviction --dir /tmp/revoke-redis --logfile /tmp/revoke-redis/redis.log
    for _ in $(seq 50); do redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
fi
redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 || { echo "Redis is not reachable at $REDIS_URL (try: docker compose up -d redis)"; exit 1; }
echo "redis: $(redis-cli -u "$REDIS_URL" info server | grep -m1 redis_version | tr -d '\r')," \
  "$(redis-cli -u "$REDIS_URL" config get maxmemory-policy | tail -n 1)"

if ! pg_isready -h "$PG_HOST" -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Postgres not answering on $PG_HOST:5432: starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 50); do pg_isready -h "$PG_HOST" -p 5432 -q && break; sleep 0.2; done
  fi
fi
pg_isready -h "$PG_HOST" -p 5432 || { echo "Postgres is not reachable on $PG_HOST:5432 (try: docker compose up -d postgres)"; exit 1; }
