import { describe, expect, it } from 'vitest';
import { type StreamSlot, StreamSlots } from './stream-slots.ts';

const SID = '7f6c1c7e-3f0e-4b8a-9d5e-2c1f0a9b8e7d';
const SUB = '0b9e3c1a-6d2f-4e7b-8a1c-5f4e3d2c1b0a';

/** Takes a slot that must be granted. */
function take(slots: StreamSlots, sid = SID, sub = SUB): StreamSlot {
  const slot = slots.acquire({ sid, sub });
  if ('refused' in slot) throw new Error(`refused by the ${slot.refused} limit`);
  return slot;
}

describe('StreamSlots', () => {
  it('refuses the stream past the per-session limit, and a released slot can be taken again', () => {
    const slots = new StreamSlots({ maxPerSession: 2, maxPerUser: 10 });
    const first = take(slots);
    take(slots);
    expect(slots.acquire({ sid: SID, sub: SUB })).toEqual({ refused: 'session' });
    expect(slots.openForSession(SID)).toBe(2);
    first.release();
    expect(slots.openForSession(SID)).toBe(1);
    take(slots);
    expect(slots.acquire({ sid: SID, sub: SUB })).toEqual({ refused: 'session' });
  });

  it('refuses past the per-user limit over all the sessions of the user, not other users', () => {
    const slots = new StreamSlots({ maxPerSession: 2, maxPerUser: 3 });
    take(slots, 'session-a');
    take(slots, 'session-a');
    take(slots, 'session-b');
    expect(slots.acquire({ sid: 'session-b', sub: SUB })).toEqual({ refused: 'user' });
    expect(slots.acquire({ sid: 'session-c', sub: SUB })).toEqual({ refused: 'user' });
    expect(slots.openForUser(SUB)).toBe(3);
    take(slots, 'session-d', 'another-user');
  });

  it('takes nothing when it refuses, and releasing twice gives back one slot only', () => {
    const slots = new StreamSlots({ maxPerSession: 1, maxPerUser: 2 });
    const slot = take(slots);
    for (let n = 0; n < 5; n++) expect('refused' in slots.acquire({ sid: SID, sub: SUB })).toBe(true);
    expect(slots.openForSession(SID)).toBe(1);
    expect(slots.openForUser(SUB)).toBe(1);
    slot.release();
    slot.release();
    expect(slots.openForSession(SID)).toBe(0);
    expect(slots.openForUser(SUB)).toBe(0);
    take(slots, SID);
    take(slots, 'other-session');
    expect(slots.acquire({ sid: 'third-session', sub: SUB })).toEqual({ refused: 'user' });
  });

  it('counts a UUID in either case as one session and one user', () => {
    const slots = new StreamSlots({ maxPerSession: 1, maxPerUser: 1 });
    take(slots);
    expect(slots.acquire({ sid: SID.toUpperCase(), sub: 'someone-else' })).toEqual({ refused: 'session' });
    expect(slots.acquire({ sid: 'other-session', sub: SUB.toUpperCase() })).toEqual({ refused: 'user' });
  });
});
