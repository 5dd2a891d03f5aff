// The load generator of the `logout` workload, the same for our logout and its floor: `send(i)` is
// one request, and each function returns the latency of every request in ms.

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
