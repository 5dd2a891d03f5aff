import type { PrivatePostgres } from '../harness/private-postgres.ts';

/** What a logout answered when it could not be acknowledged (Postgres down, Redis not taking writes). */
export interface RefusedLogout {
  status: number;
  /** tRPC's error code, e.g. `INTERNAL_SERVER_ERROR`. */
  code: unknown;
  /** Our reason code, e.g. `REVOCATION_UNAVAILABLE`. */
  reason: unknown;
  /** Whether the body leaked a stack trace (it must not). */
  stack: boolean;
  ms: number;
}

/** Stops the auth app's Postgres: every pooled connection breaks and new ones are refused. */
export async function stopPostgres(postgres: PrivatePostgres): Promise<void> {
  await postgres.stop();
}

/** Starts it again with its data: the pool must reconnect by itself. */
export async function startPostgres(postgres: PrivatePostgres): Promise<void> {
  await postgres.start();
}

/** One logout sent straight to the auth app, for its status and body (not recorded: a refusal acknowledges nothing). */
export async function rawLogout(authUrl: string, token: string): Promise<RefusedLogout> {
  const started = performance.now();
  const response = await fetch(`${authUrl}/trpc/auth.logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { error?: { data?: { code?: unknown; reason?: unknown } } };
  return {
    status: response.status,
    code: body.error?.data?.code,
    reason: body.error?.data?.reason,
    stack: /\bat .+:\d+:\d+/.test(text) || text.includes('"stack"'),
    ms: performance.now() - started,
  };
}
