import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceBatches } from './coalesced-batches.ts';

/** A batch operation the test answers by hand: each call waits until `answer` or `fail`. */
function manualRun() {
  const calls: { items: number[]; answer(): void; fail(error: Error): void }[] = [];
  const run = vi.fn(
    (items: number[]) =>
      new Promise<number[]>((resolve, reject) => {
        calls.push({ items, answer: () => resolve(items.map((item) => item * 10)), fail: reject });
      }),
  );
  return { run, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('coalesceBatches', () => {
  it('answers every caller of the same tick with one batch, each with its own result', async () => {
    const { run, calls } = manualRun();
    const ask = coalesceBatches({ run, maxBatch: 1000, minIntervalMs: 20 });
    const answers = Array.from({ length: 200 }, (_, n) => ask(n));
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
    expect(calls[0]!.items).toHaveLength(200);
    calls[0]!.answer();
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 200 }, (_, n) => n * 10));
  });

  it('keeps one batch in flight: every caller meanwhile shares the next one', async () => {
    const { run, calls } = manualRun();
    const ask = coalesceBatches({ run, maxBatch: 1000, minIntervalMs: 20 });
    const first = ask(1);
    await vi.advanceTimersByTimeAsync(0);
    const later = [ask(2), ask(3), ask(4)];
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(1);
    calls[0]!.answer();
    expect(await first).toBe(10);
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(2);
    expect(calls[1]!.items).toEqual([2, 3, 4]);
    calls[1]!.answer();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('starts batches at most once per interval however steadily callers arrive', async () => {
    const run = vi.fn(async (items: number[]) => items);
    const ask = coalesceBatches({ run, maxBatch: 1000, minIntervalMs: 20 });
    const answers: Promise<number>[] = [];
    // 200 callers, one every millisecond: without the interval, about one batch each.
    for (let n = 0; n < 200; n++) {
      answers.push(ask(n));
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(20);
    expect(await Promise.all(answers)).toHaveLength(200);
    expect(run.mock.calls.length).toBeLessThanOrEqual(200 / 20 + 1);
  });

  it('splits a crowd into batches of at most maxBatch', async () => {
    const run = vi.fn(async (items: number[]) => items);
    const ask = coalesceBatches({ run, maxBatch: 50, minIntervalMs: 0 });
    const answers = Array.from({ length: 120 }, (_, n) => ask(n));
    await vi.advanceTimersByTimeAsync(10);
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 120 }, (_, n) => n));
    expect(run.mock.calls.map(([items]) => items.length)).toEqual([50, 50, 20]);
  });

  it('fails every caller of a failed batch with its error, and the next batch runs as usual', async () => {
    const { run, calls } = manualRun();
    const ask = coalesceBatches({ run, maxBatch: 1000, minIntervalMs: 0 });
    const failing = [ask(1), ask(2)];
    await vi.advanceTimersByTimeAsync(0);
    const down = new Error('Redis is down');
    calls[0]!.fail(down);
    await Promise.all(failing.map((answer) => expect(answer).rejects.toBe(down)));
    const next = ask(3);
    await vi.advanceTimersByTimeAsync(0);
    calls[1]!.answer();
    expect(await next).toBe(30);
  });

  it('fails the batch when the operation answers the wrong number of results', async () => {
    const ask = coalesceBatches({ run: async () => [1], maxBatch: 1000, minIntervalMs: 0 });
    const answers = [ask(1), ask(2)].map((answer) => expect(answer).rejects.toThrow(/a batch of 2 got 1/));
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(answers);
  });
});
