/** Rejects with `TimeoutError` when `promise` has not settled within `ms`; a hung Redis must not hang a request. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A Redis call that took longer than allowed. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}
