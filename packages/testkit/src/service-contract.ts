import { expect } from 'vitest';
import type { TrpcResponse } from './trpc-http.ts';

/**
 * What every protected service owes its callers, written once for notes and activity (and any
 * service to come) so that the two cannot drift apart: the revoked-token answer, the probes and
 * metrics, and readiness gated on the revocation feed.
 */

/** The error a `createCaller` call with a revoked token rejects with. */
export const REVOKED_CALL_ERROR = {
  code: 'UNAUTHORIZED',
  message: 'Token revoked (logged out)',
  cause: { code: 'TOKEN_REVOKED' },
} as const;

/** A revoked token's answer over HTTP: 401 TOKEN_REVOKED, "Token revoked (logged out)", no stack trace. */
export function expectRevokedAnswer(response: TrpcResponse): void {
  expect(response.status).toBe(401);
  expect(response.body.error.message).toBe('Token revoked (logged out)');
  expect(response.body.error.data).toMatchObject({
    code: 'UNAUTHORIZED',
    httpStatus: 401,
    reason: 'TOKEN_REVOKED',
  });
  expect(response.text).not.toMatch(/stack|\.ts:\d/);
}

/** Waits until `call` rejects: a revocation arrives in one pub/sub hop, so 1 s is plenty. */
export async function untilRefused(call: () => Promise<unknown>): Promise<void> {
  await expect
    .poll(
      () =>
        call().then(
          () => 'accepted',
          () => 'refused',
        ),
      { timeout: 1000, interval: 5 },
    )
    .toBe('refused');
}

/** Waits until `call` answers `status` over HTTP (by default within 1 s, polling every 5 ms). */
export async function untilStatus(
  call: () => Promise<{ status: number }>,
  status: number,
  timeoutMs = 1000,
): Promise<void> {
  await expect.poll(async () => (await call()).status, { timeout: timeoutMs, interval: 5 }).toBe(status);
}

/**
 * `/healthz` and `/readyz` answer 200 (ready: feed and Postgres), and `/metrics` is Prometheus text that
 * has counted both accepted and revoked tokens: call it after a test has seen one of each.
 */
export async function expectProbesAndMetrics(url: string): Promise<void> {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, checks: { feed: true, postgres: true } });
  const metrics = await fetch(`${url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await metrics.text();
  expect(text).toMatch(/^revoke_auth_checks_total\{result="ok"\} [1-9]/m);
  expect(text).toMatch(/^revoke_auth_checks_total\{result="revoked"\} [1-9]/m);
}

/**
 * A service started without an epoch in Redis (its feed cannot load a snapshot it could trust):
 * `/readyz` answers 503, `call` (an authenticated query) is refused with 503 REVOCATION_UNAVAILABLE;
 * once `setEpoch` writes one, it becomes ready within 5 s and `call` succeeds.
 */
export async function expectReadyOnlyWithEpoch(options: {
  url: string;
  call: () => Promise<TrpcResponse>;
  setEpoch: () => Promise<unknown>;
}): Promise<void> {
  const { url, call } = options;
  const before = await fetch(`${url}/readyz`);
  expect(before.status).toBe(503);
  expect(await before.json()).toMatchObject({ ready: false, checks: { feed: false, postgres: true } });
  const refused = await call();
  expect(refused.status).toBe(503);
  expect(refused.body.error.data).toMatchObject({
    code: 'SERVICE_UNAVAILABLE',
    reason: 'REVOCATION_UNAVAILABLE',
  });

  await options.setEpoch();
  await untilStatus(() => fetch(`${url}/readyz`), 200, 5000);
  expect((await call()).status).toBe(200);
}
