import { describe, expect, it } from 'vitest';
import { NoteChanges } from './note-changes.ts';

describe('NoteChanges', () => {
  it('hears a change made before the first next(), coalesces a burst into one, and only for its user', async () => {
    const changes = new NoteChanges();
    const controller = new AbortController();
    const alice = changes.subscribe('alice', controller.signal);
    changes.notify('alice');
    changes.notify('alice');
    changes.notify('bob');
    expect(await alice.next()).toEqual({ done: false, value: undefined });
    const pending = alice.next();
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    changes.notify('alice');
    expect(await pending).toEqual({ done: false, value: undefined });
  });

  it('is done, and stops listening, when its signal aborts (also one already aborted)', async () => {
    const changes = new NoteChanges();
    const controller = new AbortController();
    const alice = changes.subscribe('alice', controller.signal);
    expect(changes.listeners('alice')).toBe(1);
    const pending = alice.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(changes.listeners('alice')).toBe(0);
    expect(await changes.subscribe('alice', controller.signal).next()).toEqual({
      done: true,
      value: undefined,
    });
    expect(changes.listeners('alice')).toBe(0);
  });
});
