/** What a tRPC call over plain HTTP answered. */
export interface TrpcReply {
  status: number;
  /** `result.data` of a success. */
  data?: unknown;
  /** `error` of a failure: message, and the code, HTTP status and (auth errors) reason tRPC adds. */
  error?: { message: string; code?: string; httpStatus?: number; reason?: string };
  /** Wall time of the request, in milliseconds. */
  ms: number;
}

/** A call: procedure path, kind, optional JSON input, optional token. */
export interface TrpcCall {
  path: string;
  kind: 'query' | 'mutation';
  input?: unknown;
  /** Sent as the tutorial's Postman test does: the bare token in `Authorization`. */
  token?: string | undefined;
  headers?: Record<string, string>;
}

/**
 * Calls a tRPC procedure over HTTP, exactly as curl or Postman would (no tRPC client, no
 * transformer: docs/architecture.md, "The contract"): a query is `GET /trpc/<path>?input=<JSON>`, a mutation `POST /trpc/<path>`
 * with a JSON body. A token in `Authorization` needs no CSRF header; only cookie-authenticated
 * mutations do.
 */
export async function callTrpc(baseUrl: string, call: TrpcCall): Promise<TrpcReply> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = call.token;
  let url = `${baseUrl}/trpc/${call.path}`;
  const init: RequestInit = { headers, signal: AbortSignal.timeout(10_000) };
  if (call.kind === 'query') {
    if (call.input !== undefined) url += `?input=${encodeURIComponent(JSON.stringify(call.input))}`;
  } else {
    init.method = 'POST';
    headers['content-type'] = 'application/json';
    if (call.input !== undefined) init.body = JSON.stringify(call.input);
  }
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const ms = performance.now() - started;
  let body: { result?: { data?: unknown }; error?: TrpcReply['error'] & { data?: Record<string, unknown> } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { status: response.status, error: { message: text.slice(0, 200) }, ms };
  }
  if (body.error) {
    const data = body.error.data ?? {};
    return {
      status: response.status,
      error: {
        message: body.error.message,
        code: typeof data.code === 'string' ? data.code : undefined,
        httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : undefined,
        reason: typeof data.reason === 'string' ? data.reason : undefined,
      },
      ms,
    };
  }
  return { status: response.status, data: body.result?.data, ms };
}
