import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PruneResult } from './prune.ts';
import { Pruner } from './pruner.ts';

const NOTHING: PruneResult = {
  refreshTokens: 0,
  sessions: 0,
  revocations: 0,
  auditLog: 0,
  total: 0,
  stopped: 'done',
};

function recordingLogger() {
  const lines: { level: string; details: object; message: string }[] = [];
  const at =
    (level: string) =>
    (details: object, message: string): void => {
      lines.push({ level, details, message });
    };
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Pruner', () => {
  it('logs a failed run and runs again at the next tick, where counts are logged and reported', async () => {
    const { lines, logger } = recordingLogger();
    const reported: PruneResult[] = [];
    const runs = [
      () => Promise.reject(new Error('connection terminated')),
      () => Promise.resolve({ ...NOTHING, sessions: 2, revocations: 3, total: 5 }),
      () => Promise.resolve(NOTHING),
    ];
    const prune = vi.fn(() => runs.shift()!());
    const pruner = new Pruner({
      prune,
      logger,
      intervalMs: 1000,
      random: () => 0.5,
      onPruned: (result) => reported.push(result),
    });
    pruner.start();

    await vi.advanceTimersByTimeAsync(999);
    expect(prune).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(prune).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', details: { err: 'connection terminated' } }),
    ]);

    await vi.advanceTimersByTimeAsync(1000);
    expect(prune).toHaveBeenCalledTimes(2);
    expect(reported).toEqual([expect.objectContaining({ sessions: 2, revocations: 3, total: 5 })]);
    expect(lines[1]).toMatchObject({ level: 'info', details: { sessions: 2, revocations: 3, total: 5 } });

    // A run that deleted nothing is neither logged nor reported.
    await vi.advanceTimersByTimeAsync(1000);
    expect(prune).toHaveBeenCalledTimes(3);
    expect(lines).toHaveLength(2);
    expect(reported).toHaveLength(1);
    await pruner.stop();
  });

  it('draws each wait from ±25 % of the interval', async () => {
    const prune = vi.fn(() => Promise.resolve(NOTHING));
    const draws = [0, 0.999];
    const pruner = new Pruner({
      prune,
      logger: recordingLogger().logger,
      intervalMs: 1000,
      random: () => draws.shift() ?? 0.5,
    });
    pruner.start();
    await vi.advanceTimersByTimeAsync(749);
    expect(prune).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(prune).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1248);
    expect(prune).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(prune).toHaveBeenCalledTimes(2);
    await pruner.stop();
  });

  it('stop() aborts the run in flight, waits for it, and no run follows', async () => {
    let aborted = false;
    const prune = vi.fn(
      (signal: AbortSignal) =>
        new Promise<PruneResult>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            setTimeout(() => resolve({ ...NOTHING, stopped: 'aborted' }), 50);
          });
        }),
    );
    const pruner = new Pruner({
      prune,
      logger: recordingLogger().logger,
      intervalMs: 1000,
      random: () => 0.5,
    });
    pruner.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(prune).toHaveBeenCalledTimes(1);
    let stopped = false;
    const stopping = pruner.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(aborted).toBe(true);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(prune).toHaveBeenCalledTimes(1);
  });

  it('never runs on its own with an interval of 0', async () => {
    const prune = vi.fn(() => Promise.resolve(NOTHING));
    const pruner = new Pruner({ prune, logger: recordingLogger().logger, intervalMs: 0 });
    pruner.start();
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(prune).not.toHaveBeenCalled();
    await pruner.stop();
  });
});
