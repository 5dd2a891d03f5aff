// The load generator of the `logout` workload, the same for our logout and its floor: `send(i)` is
// one request (made with `post`, below), and each function returns every request's latency in ms.
import { Agent, request as httpRequest } from 'node:http';

/** As fast as it goes: `concurrency` requests outstanding at all times (closed loop), `count` in all. */
export async function atConcurrency(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const sent = performance.now();
        await send(i);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return latencies;
}

/**
 * `count` requests at a fixed rate, each sent on its schedule whether or not earlier ones have
 * answered (open loop), and timed from when it was due rather than from when it went out: a stall
 * then shows in the latencies of every request it held back, instead of quietly lowering the rate.
 */
export async function atFixedRate(
  count: number,
  perSecond: number,
  send: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let failure: unknown;
  const start = performance.now();
  for (let i = 0; i < count && failure === undefined; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Caught at once: a rejection left waiting for the final Promise.all would end the process.
    inFlight.push(
      send(i).then(
        () => void latencies.push(performance.now() - due),
        (error: unknown) => {
          failure ??= error;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return latencies;
}

/** A server the load is sent to: our auth app or the floor, each in its own process. */
export interface LogoutTarget {
  /** Its process, whose CPU each logout is charged with. */
  pid: number;
  /** The name of its own database, whose backends are sampled and charged. */
  database: string;
  /** Credentials for `count` logouts, made before any timing starts. */
  tokens(count: number): Promise<string[]>;
  /** One logout; rejects unless it answered 200. */
  logout(token: string): Promise<void>;
  /** Ends its process (gracefully: ours then writes its CPU profile). */
  stop(): Promise<void>;
}

/** Kept-alive connections, as many as requests outstanding: no connection set-up in the timings. */
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/**
 * POSTs `body` to `url` and resolves to the answer's body; rejects unless it answered 200. Plain
 * node:http rather than fetch: fetch (undici, streams, abort signals) costs this process about a
 * millisecond of CPU per request, which on a small machine is taken from the servers it measures.
 */
export function post(url: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', ...headers },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode === 200) resolve(text);
        else reject(new Error(`POST ${url}: ${response.statusCode} ${text.slice(0, 200)}`));
      });
    });
    request.end(body);
  });
}
