import type { History, Verdict } from '../history.ts';

/** A service under test and the query that makes it verify a token. */
export interface Target {
  name: string;
  url: string;
  /** A tRPC query path that needs authentication, e.g. `notes.list`. */
  path: string;
}

/** Long enough for a service that is failing closed to answer; short enough that a frozen one does not stall a run. */
const REQUEST_TIMEOUT_MS = 5_000;

/** How a tRPC answer maps onto the checker's verdicts. */
export function verdictOf(status: number, reason: unknown): Verdict {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 && reason === 'TOKEN_REVOKED') return 'revoked';
  if (status === 503 && reason === 'REVOCATION_UNAVAILABLE') return 'unavailable';
  return 'error';
}

/** Asks `target` to verify `token` (one authenticated query) and records the verdict in `history`. */
export async function verify(history: History, target: Target, token: string): Promise<Verdict> {
  const sentAt = history.now();
  let verdict: Verdict;
  try {
    const response = await fetch(`${target.url}/trpc/${target.path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { data?: { reason?: unknown } } }
      | undefined;
    verdict = verdictOf(response.status, body?.error?.data?.reason);
  } catch {
    verdict = 'error';
  }
  history.verified(target.name, token, sentAt, verdict);
  return verdict;
}

/**
 * Logs `token` out at the auth app. Only a 200 is an acknowledgement, recorded in `history`; any other
 * outcome is unknown (the revocation may or may not have committed) and constrains nothing.
 */
export async function logout(history: History, authUrl: string, token: string): Promise<boolean> {
  const invokedAt = history.now();
  try {
    const response = await fetch(`${authUrl}/trpc/auth.logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    if (response.status !== 200) return false;
  } catch {
    return false;
  }
  history.ack(token, invokedAt);
  return true;
}

/** Registers a user and logs in `devices` times: one access token per device (session). */
export async function signIn(authUrl: string, devices = 1): Promise<string[]> {
  const credentials = {
    email: `fault-${Math.random().toString(36).slice(2)}@example.com`,
    password: 'correct horse battery',
  };
  const post = async (path: string) => {
    const response = await fetch(`${authUrl}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    const body = (await response.json()) as { result?: { data?: { accessToken?: string } } };
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body.result?.data?.accessToken;
  };
  await post('auth.register');
  const tokens: string[] = [];
  for (let i = 0; i < devices; i++) tokens.push((await post('auth.login'))!);
  return tokens;
}
