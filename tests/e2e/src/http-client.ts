import { type TrpcResponse, trpcMutate, trpcQuery } from '@revoke/testkit/trpc-http';
import { expect } from 'vitest';

/** The tutorial's Postman test sends the bare token as `Authorization`, without `Bearer`. */
const bareToken = (token?: string): Record<string, string> => (token ? { authorization: token } : {});

/** The answer a revoked token gets: 401, reason `TOKEN_REVOKED`, and its message. */
export const isRevoked = (answer: TrpcResponse) =>
  answer.status === 401 &&
  answer.body?.error?.data?.reason === 'TOKEN_REVOKED' &&
  answer.body?.error?.message === 'Token revoked (logged out)';

/** `POST /trpc/<path>` with a JSON body and the bare token, as a plain HTTP client (curl, Postman) would. */
export const mutate = (baseUrl: string, path: string, input?: unknown, token?: string) =>
  trpcMutate(baseUrl, path, input, bareToken(token));

/** `GET /trpc/<path>` with the bare token. */
export const query = (baseUrl: string, path: string, token?: string) =>
  trpcQuery(baseUrl, path, bareToken(token));

/** Registers a fresh user and logs in `devices` times; returns the access tokens. */
export async function userWithDevices(
  authUrl: string,
  devices = 1,
): Promise<{ email: string; tokens: string[] }> {
  const credentials = {
    email: `e2e-${Math.random().toString(36).slice(2)}@example.com`,
    password: 'correct horse battery',
  };
  const registered = await mutate(authUrl, 'auth.register', credentials);
  if (registered.status !== 200) throw new Error(`register: ${JSON.stringify(registered.body)}`);
  const tokens: string[] = [];
  for (let i = 0; i < devices; i++) {
    const login = await mutate(authUrl, 'auth.login', credentials);
    if (login.status !== 200) throw new Error(`login: ${JSON.stringify(login.body)}`);
    tokens.push(login.body.result.data.accessToken);
  }
  return { email: credentials.email, tokens };
}

/**
 * Waits until `call` is answered as revoked, failing after `timeoutMs`; resolves to the milliseconds it
 * took. It polls every 2 ms, so a measured delay is the revocation's, not the poll's.
 */
export async function revokedWithin(timeoutMs: number, call: () => Promise<TrpcResponse>): Promise<number> {
  const started = performance.now();
  await expect.poll(async () => isRevoked(await call()), { timeout: timeoutMs, interval: 2 }).toBe(true);
  return performance.now() - started;
}
