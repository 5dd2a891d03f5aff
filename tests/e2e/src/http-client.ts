/** A tRPC-over-HTTP answer: status and parsed body. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The answer DESIGN §5 fixes for a revoked token: 401, reason `TOKEN_REVOKED`, and its message. */
export const isRevoked = (answer: Answer) =>
  answer.status === 401 &&
  answer.body?.error?.data?.reason === 'TOKEN_REVOKED' &&
  answer.body?.error?.message === 'Token revoked (logged out)';

/** `POST /trpc/<path>` with a JSON body, as a plain HTTP client (curl, Postman) would. */
export async function mutate(
  baseUrl: string,
  path: string,
  input?: unknown,
  token?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // The tutorial's Postman test sends the bare token.
  if (token) headers.authorization = token;
  return answer(
    await fetch(`${baseUrl}/trpc/${path}`, {
      method: 'POST',
      headers,
      body: input === undefined ? undefined : JSON.stringify(input),
    }),
  );
}

/** `GET /trpc/<path>`. */
export async function query(baseUrl: string, path: string, token?: string): Promise<Answer> {
  return answer(await fetch(`${baseUrl}/trpc/${path}`, { headers: token ? { authorization: token } : {} }));
}

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

/** Polls until `check` holds; resolves to the milliseconds it took. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
