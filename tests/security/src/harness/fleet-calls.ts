import { randomUUID } from 'node:crypto';
import type { AuthErrorCode } from '@revoke/auth';
import { expect } from 'vitest';
import { LEAK, show } from './expect-refused.ts';
import { type Answer, bearer, eventsOf, type HeaderInput, mutate, send } from './http.ts';
import type { Stack } from './stack.ts';

/** One authenticated call to one service, with headers the test chooses. */
export interface FleetCall {
  label: string;
  call(headers: HeaderInput): Promise<Answer>;
  /** Changes state when it succeeds. */
  mutation: boolean;
}

const get =
  (url: string): FleetCall['call'] =>
  (headers) =>
    send(url, { headers });
const post =
  (url: string, input?: unknown): FleetCall['call'] =>
  (headers) =>
    send(url, {
      method: 'POST',
      headers: Array.isArray(headers)
        ? [['content-type', 'application/json'], ...headers]
        : { 'content-type': 'application/json', ...headers },
      ...(input === undefined ? {} : { body: JSON.stringify(input) }),
    });

/**
 * Every protected procedure of the fleet, reads and writes. `logout` is included too: it verifies
 * the token itself (it must accept an already revoked one) and must be as strict as the rest.
 */
export function protectedCalls(stack: Stack, options: { logout?: boolean } = {}): FleetCall[] {
  const { auth, notes, activity } = {
    auth: stack.auth.url,
    notes: stack.notes.url,
    activity: stack.activity.url,
  };
  const calls: FleetCall[] = [
    { label: 'auth.me', call: get(`${auth}/trpc/auth.me`), mutation: false },
    { label: 'auth.sessions', call: get(`${auth}/trpc/auth.sessions`), mutation: false },
    { label: 'auth.logoutAll', call: post(`${auth}/trpc/auth.logoutAll`), mutation: true },
    { label: 'auth.logoutOthers', call: post(`${auth}/trpc/auth.logoutOthers`), mutation: true },
    {
      label: 'auth.changePassword',
      call: post(`${auth}/trpc/auth.changePassword`, {
        currentPassword: 'correct horse battery staple',
        newPassword: 'forged new passphrase',
      }),
      mutation: true,
    },
    {
      label: 'auth.revokeSession',
      call: post(`${auth}/trpc/auth.revokeSession`, { sessionId: randomUUID() }),
      mutation: true,
    },
    { label: 'notes.list', call: get(`${notes}/trpc/notes.list`), mutation: false },
    { label: 'notes.create', call: post(`${notes}/trpc/notes.create`, { body: 'forged' }), mutation: true },
    { label: 'activity.list', call: get(`${activity}/trpc/activity.list`), mutation: false },
    {
      label: 'activity.record',
      call: post(`${activity}/trpc/activity.record`, {
        kind: 'note.created',
        detail: { noteId: randomUUID() },
      }),
      mutation: true,
    },
  ];
  if (options.logout !== false)
    calls.push({ label: 'auth.logout', call: post(`${auth}/trpc/auth.logout`), mutation: true });
  return calls;
}

/** The token is accepted by every service (read-only calls): a victim's token still works. */
export async function expectAccepted(stack: Stack, token: string, label = 'token'): Promise<void> {
  for (const [name, url] of [
    ['auth.me', `${stack.auth.url}/trpc/auth.me`],
    ['notes.list', `${stack.notes.url}/trpc/notes.list`],
    ['activity.list', `${stack.activity.url}/trpc/activity.list`],
  ] as const) {
    const answer = await send(url, { headers: bearer(token) });
    expect(answer.status, show(`${label} on ${name}`, answer)).toBe(200);
  }
}

/** The caller's notes, through the notes service. */
export async function notesOf(stack: Stack, token: string): Promise<{ id: string; body: string }[]> {
  const answer = await send(`${stack.notes.url}/trpc/notes.list`, { headers: bearer(token) });
  expect(answer.status, show('notes.list', answer)).toBe(200);
  return answer.body.result.data;
}

/** Creates a note for the token's user. */
export async function createNote(stack: Stack, token: string, body = 'victim note'): Promise<string> {
  const answer = await mutate(stack.notes.url, 'notes.create', { body }, bearer(token));
  expect(answer.status, show('notes.create', answer)).toBe(200);
  return answer.body.result.data.id;
}

/**
 * `auth.sessionEvents` (a subscription over SSE) with these credentials must never arm a watch:
 * the stream carries one error with `reason` and ends (a live watch would hold it open, and the
 * timeout would fail the test). Returns the answer, whose HTTP status the caller may check.
 */
export async function expectNoSessionWatch(
  stack: Stack,
  headers: HeaderInput,
  reason: AuthErrorCode | readonly AuthErrorCode[],
): Promise<Answer> {
  const answer = await send(`${stack.auth.url}/trpc/auth.sessionEvents`, { headers, timeoutMs: 5000 });
  const events = eventsOf(answer);
  const label = show('auth.sessionEvents', answer);
  expect(
    events.map((event) => event.event),
    label,
  ).not.toContain('data');
  expect(JSON.stringify(events), label).not.toContain('watching');
  const errors = events.filter((event) => event.event === 'serialized-error');
  if (answer.status === 200) {
    expect(errors, label).toHaveLength(1);
    expect([reason].flat(), label).toContain(errors[0]?.data?.data?.reason);
  } else {
    expect(answer.status, label).toBeGreaterThanOrEqual(400);
    expect(answer.status, label).toBeLessThan(500);
  }
  expect(answer.text, label).not.toMatch(LEAK);
  return answer;
}
