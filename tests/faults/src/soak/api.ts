import { verdictOf } from '../harness/client.ts';
import type { History } from '../history.ts';

/** Long enough for a loaded argon2 login or a service failing closed; short enough not to stall a run. */
const TIMEOUT_MS = 10_000;

async function call(
  url: string,
  path: string,
  options: { token?: string; input?: unknown },
): Promise<{
  status: number;
  body: { result?: { data?: unknown }; error?: { message?: string; data?: { reason?: unknown } } };
}> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(options.input ?? {}),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as Awaited<ReturnType<typeof call>>['body'];
  return { status: response.status, body };
}

/** Registers a user; resolves once the auth app answered 200. */
export async function register(authUrl: string, email: string, password: string): Promise<void> {
  const { status, body } = await call(authUrl, 'auth.register', { input: { email, password } });
  if (status !== 200) throw new Error(`auth.register: ${status} ${JSON.stringify(body)}`);
}

/** Logs in: one new session, its access token. */
export async function login(authUrl: string, email: string, password: string): Promise<string> {
  const { status, body } = await call(authUrl, 'auth.login', { input: { email, password } });
  const token = (body.result?.data as { accessToken?: unknown } | undefined)?.accessToken;
  if (status !== 200 || typeof token !== 'string')
    throw new Error(`auth.login: ${status} ${JSON.stringify(body)}`);
  return token;
}

/**
 * How a logout ended: `acked` (200) or why not (`503 REVOCATION_UNAVAILABLE`, `timeout`, `no answer`…).
 * Anything but `acked` is unknown to the checker: the revocation may or may not have committed.
 */
export type LogoutOutcome = 'acked' | string;

/** A logout that committed in Postgres but was not published to Redis within the auth app's wait (a 503). */
export const COMMITTED_NOT_PUBLISHED = '503 committed, not yet published';

/**
 * `auth.logout` (this token and its session) or `auth.logoutAll` (every session of its user). The caller
 * records the acknowledgement in the history: for logoutAll, every token the user held when it was sent.
 */
export async function logoutWith(
  path: 'auth.logout' | 'auth.logoutAll',
  authUrl: string,
  token: string,
): Promise<LogoutOutcome> {
  try {
    const { status, body } = await call(authUrl, path, { token });
    if (status === 200) return 'acked';
    // The revoker's answer when the logout committed but Redis did not take it in time; the same
    // reason from the guard (logoutAll is a protected procedure) means that nothing was done.
    if (body.error?.message?.startsWith('Logged out here')) return COMMITTED_NOT_PUBLISHED;
    const reason = body.error?.data?.reason;
    return typeof reason === 'string' ? `${status} ${reason}` : String(status);
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'timeout' : 'no answer';
  }
}

/**
 * `notes.create`: notes verifies the token, then forwards it to activity inside its transaction, so the
 * answer is the verdict of both hops. Recorded under `service` (e.g. `notes.create`), its own subject
 * for the checker: a note created with a revoked token after S is as much a violation as a read.
 */
export async function createNote(
  history: History,
  service: string,
  notesUrl: string,
  token: string,
  body: string,
): Promise<void> {
  const sentAt = history.now();
  let verdict: ReturnType<typeof verdictOf>;
  try {
    const answer = await call(notesUrl, 'notes.create', { token, input: { body } });
    verdict = verdictOf(answer.status, answer.body.error?.data?.reason);
  } catch {
    verdict = 'error';
  }
  history.verified(service, token, sentAt, verdict);
}
