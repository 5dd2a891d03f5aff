/** A tRPC-over-HTTP answer: status and parsed body. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

/** A tRPC call as a plain HTTP client makes it: `POST` with a JSON body for a mutation, `GET` for a query. */
export async function call(
  baseUrl: string,
  path: string,
  options: { token?: string | undefined; input?: unknown; mutation?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: options.mutation ? 'POST' : 'GET',
    headers,
    ...(options.mutation && options.input !== undefined ? { body: JSON.stringify(options.input) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The answer DESIGN §5 fixes for a revoked token. */
export const isRevoked = (answer: Answer) =>
  answer.status === 401 &&
  answer.body?.error?.data?.reason === 'TOKEN_REVOKED' &&
  answer.body?.error?.message === 'Token revoked (logged out)';

/** Registers a fresh user and logs in `devices` times; returns the access tokens. */
export async function login(authUrl: string, devices = 1): Promise<string[]> {
  const input = {
    email: `cluster-${Math.random().toString(36).slice(2)}@example.com`,
    password: 'correct horse battery',
  };
  const registered = await call(authUrl, 'auth.register', { input, mutation: true });
  if (registered.status !== 200) throw new Error(`register: ${JSON.stringify(registered.body)}`);
  const tokens: string[] = [];
  for (let i = 0; i < devices; i++) {
    const answer = await call(authUrl, 'auth.login', { input, mutation: true });
    if (answer.status !== 200) throw new Error(`login: ${JSON.stringify(answer.body)}`);
    tokens.push(answer.body.result.data.accessToken);
  }
  return tokens;
}

/** Polls until `check` holds; resolves to the milliseconds it took, rejects after `timeoutMs`. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
