/** A tRPC answer over HTTP: status, headers, the raw text, and the body as JSON (the text when not JSON). */
export interface TrpcResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

export interface TrpcCall {
  /** GET for a query (default), POST for a mutation. */
  method?: 'GET' | 'POST';
  /** A mutation's JSON body (none when undefined). */
  input?: unknown;
  headers?: Record<string, string>;
}

/**
 * `GET` or `POST` `<baseUrl>/trpc/<path>` as a plain HTTP client (curl, Postman) would: no tRPC
 * client, so the tests see exactly the status and body a caller gets.
 */
export async function callTrpc(baseUrl: string, path: string, call: TrpcCall = {}): Promise<TrpcResponse> {
  const post = call.method === 'POST';
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: call.method ?? 'GET',
    headers: { ...(post ? { 'content-type': 'application/json' } : {}), ...call.headers },
    body: post && call.input !== undefined ? JSON.stringify(call.input) : undefined,
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A query: `GET <baseUrl>/trpc/<path>`. */
export const trpcQuery = (baseUrl: string, path: string, headers: Record<string, string> = {}) =>
  callTrpc(baseUrl, path, { headers });

/** A mutation: `POST <baseUrl>/trpc/<path>` with a JSON body. */
export const trpcMutate = (
  baseUrl: string,
  path: string,
  input?: unknown,
  headers: Record<string, string> = {},
) => callTrpc(baseUrl, path, { method: 'POST', input, headers });

/** A client bound to one service's URL, as the in-process test apps hand out. */
export interface TrpcClient {
  query(path: string, headers?: Record<string, string>): Promise<TrpcResponse>;
  mutate(path: string, input?: unknown, headers?: Record<string, string>): Promise<TrpcResponse>;
}

export const trpcClient = (baseUrl: string): TrpcClient => ({
  query: (path, headers = {}) => trpcQuery(baseUrl, path, headers),
  mutate: (path, input, headers = {}) => trpcMutate(baseUrl, path, input, headers),
});

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
