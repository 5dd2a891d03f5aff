import { request } from 'node:http';

/** An HTTP answer: status, headers, raw text and the parsed JSON body (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

/** Headers as an object, or as raw `[name, value]` pairs (repeated names are sent as repeated lines). */
export type HeaderInput = Record<string, string> | [string, string][];

export interface SendOptions {
  method?: 'GET' | 'POST' | 'OPTIONS' | 'HEAD';
  headers?: HeaderInput;
  body?: string | Buffer;
  /** Fail (reject) if the whole answer has not arrived by then (default 30 s). */
  timeoutMs?: number;
  /** Send from this local address, e.g. `127.0.0.2` (Linux routes all of 127.0.0.0/8 to loopback). */
  localAddress?: string;
}

/**
 * One request through `node:http`, not fetch: fetch normalises what an attacker would not (it
 * merges repeated headers, refuses some bytes, adds its own `sec-fetch-*` headers), and these tests
 * must send exactly the bytes they mean.
 */
export async function send(url: string, options: SendOptions = {}): Promise<Answer> {
  // A server may refuse an oversized body at once and close while the rest is still being sent (RFC
  // 9110 §15.5.14); the client then sees EPIPE or a reset instead of reading the 413 already on the
  // wire. That is a race of the transport, not an answer: try again, and only a repeated failure counts.
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(url, options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 3 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw error;
    }
  }
}

function sendOnce(url: string, options: SendOptions): Promise<Answer> {
  const { method = options.body === undefined ? 'GET' : 'POST', body } = options;
  const headers = Array.isArray(options.headers) ? options.headers.flat() : { ...options.headers };
  // A chunked body carries no length: sending both headers is itself a (smuggling-shaped) bad request.
  if (body !== undefined && !Array.isArray(headers) && !headers['transfer-encoding'])
    headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, localAddress: options.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.setTimeout(options.timeoutMs ?? 30_000, () => {
      req.destroy(new Error(`no complete answer from ${url} within ${options.timeoutMs ?? 30_000} ms`));
    });
    req.end(body);
  });
}

/** `GET /trpc/<path>` with a bearer-less `Authorization` value or any other headers. */
export function query(baseUrl: string, path: string, headers: HeaderInput = {}): Promise<Answer> {
  return send(`${baseUrl}/trpc/${path}`, { headers });
}

/** `POST /trpc/<path>` with a JSON body (none when `input` is undefined). */
export function mutate(
  baseUrl: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
}

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** One server-sent event. */
export interface ServerEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  data: any;
}

/** The events of a finished `text/event-stream` answer (a tRPC subscription over SSE). */
export function eventsOf(answer: Answer): ServerEvent[] {
  return answer.text
    .split(/\n\n+/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .filter((line) => line.startsWith(`${name}:`))
          .map((line) => line.slice(name.length + 1).trimStart())
          .join('\n');
      const data = field('data');
      let parsed: unknown = data;
      try {
        parsed = JSON.parse(data);
      } catch {
        // Not JSON: kept as text.
      }
      return { event: field('event') || 'message', data: parsed };
    });
}
