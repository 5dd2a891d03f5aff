import { randomUUID } from 'node:crypto';
import { CSRF_HEADER } from '@revoke/auth/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, type Device, logIn, signUp } from './harness/accounts.ts';
import { expectRefused, show } from './harness/expect-refused.ts';
import { createNote, expectAccepted, notesOf } from './harness/fleet-calls.ts';
import { type Answer, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';

let stack: Stack;
/** The victim, signed in on a browser (cookies: device A) and on a phone (device B). */
let victim: Account & Device;
let phone: Device;
let noteId: string;
beforeAll(async () => {
  stack = await startStack();
  victim = await signUp(stack.auth.url, 'victim');
  phone = await logIn(stack.auth.url, victim);
  noteId = await createNote(stack, victim.accessToken);
});
afterAll(() => stack?.close());

const EVIL_ORIGIN = 'https://evil.example';

/** Every mutation a cookie can authenticate, with the input a forged form would carry. */
const MUTATIONS: [
  procedure: string,
  service: 'auth' | 'notes' | 'activity',
  fields: () => Record<string, string>,
][] = [
  ['auth.logout', 'auth', () => ({})],
  ['auth.logoutAll', 'auth', () => ({})],
  ['auth.logoutOthers', 'auth', () => ({})],
  ['auth.changePassword', 'auth', () => ({ currentPassword: victim.password, newPassword: 'pwned pwned' })],
  ['auth.revokeSession', 'auth', () => ({ sessionId: phone.sessionId })],
  ['auth.refresh', 'auth', () => ({})],
  ['notes.create', 'notes', () => ({ body: 'pwned' })],
  ['notes.delete', 'notes', () => ({ id: noteId })],
  ['activity.record', 'activity', () => ({ kind: 'note.created', 'detail[noteId]': randomUUID() })],
];

/** How a page on another site can post without a CORS preflight, and what it sends. */
const ENCODINGS: [
  name: string,
  encode: (fields: Record<string, string>) => { type?: string; body?: string },
][] = [
  [
    'an urlencoded form',
    (fields) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() }),
  ],
  [
    'a multipart form',
    (fields) => ({
      type: 'multipart/form-data; boundary=evilboundary',
      body: `${Object.entries(fields)
        .map(
          ([name, value]) =>
            `--evilboundary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        )
        .join('')}--evilboundary--\r\n`,
    }),
  ],
  ['text/plain carrying JSON', (fields) => ({ type: 'text/plain', body: JSON.stringify(fields) })],
  [
    'text/plain with a charset',
    (fields) => ({ type: 'text/plain; charset=utf-8', body: JSON.stringify(fields) }),
  ],
  ['no body and no content type (fetch no-cors, sendBeacon)', () => ({})],
];

/** What different browsers say about where a request comes from: the refusal must not depend on it. */
const FETCH_METADATA: Record<string, string>[] = [
  { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
  // An attacker on a sibling subdomain: same site, so SameSite cookies ride along.
  { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate' },
  // A browser that sends no fetch metadata at all.
  {},
];

/** The victim's browser cookies (access and refresh token) on requests the attacker's page starts. */
async function crossSite(
  service: 'auth' | 'notes' | 'activity',
  procedure: string,
  encoded: { type?: string; body?: string },
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const metadata of FETCH_METADATA) {
    answers.push(
      await send(`${stack[service].url}/trpc/${procedure}`, {
        method: 'POST',
        headers: {
          cookie: victim.cookie,
          origin: EVIL_ORIGIN,
          referer: `${EVIL_ORIGIN}/cat-pictures`,
          ...metadata,
          ...(encoded.type ? { 'content-type': encoded.type } : {}),
        },
        ...(encoded.body === undefined ? {} : { body: encoded.body }),
      }),
    );
  }
  return answers;
}

/** The victim lost nothing: both devices' tokens work, the note is there, no refresh token was used. */
async function expectNothingChanged(before: Awaited<ReturnType<typeof snapshot>>): Promise<void> {
  expect(await snapshot(stack)).toEqual(before);
  await expectAccepted(stack, victim.accessToken, "the victim's browser token");
  await expectAccepted(stack, phone.accessToken, "the victim's phone token");
  expect((await notesOf(stack, victim.accessToken)).map((note) => note.id)).toEqual([noteId]);
}

const cases = MUTATIONS.flatMap(([procedure, service, fields]) =>
  ENCODINGS.map(([encoding, encode]) => [procedure, encoding, service, fields, encode] as const),
);

describe('cross-site posts carrying the victim cookies are refused and change nothing', () => {
  it.each(cases)('%s from %s → 4xx', async (procedure, _encoding, service, fields, encode) => {
    const before = await snapshot(stack);
    for (const answer of await crossSite(service, procedure, encode(fields()))) {
      expectRefused(answer, procedure, { status: [400, 403, 415] });
    }
    await expectNothingChanged(before);
  });

  it.each(MUTATIONS)(
    '%s by GET (an image tag, a link) → 405, nothing changes',
    async (procedure, service, fields) => {
      const before = await snapshot(stack);
      const input = encodeURIComponent(JSON.stringify(fields()));
      const answer = await send(`${stack[service].url}/trpc/${procedure}?input=${input}`, {
        headers: { cookie: victim.cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' },
      });
      expectRefused(answer, procedure, { status: 405 });
      await expectNothingChanged(before);
    },
  );

  it.each(MUTATIONS)(
    '%s as JSON with the cookies but no CSRF header → 403',
    async (procedure, service, fields) => {
      const before = await snapshot(stack);
      const answer = await send(`${stack[service].url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { cookie: victim.cookie, 'content-type': 'application/json' },
        body: JSON.stringify(
          procedure === 'activity.record' ? { kind: 'note.created', detail: { noteId } } : fields(),
        ),
      });
      expectRefused(answer, procedure, { status: 403 });
      await expectNothingChanged(before);
    },
  );

  it.each(MUTATIONS)(
    '%s with the CSRF header but Sec-Fetch-Site: cross-site → 403',
    async (procedure, service, fields) => {
      const before = await snapshot(stack);
      const answer = await send(`${stack[service].url}/trpc/${procedure}`, {
        method: 'POST',
        headers: {
          cookie: victim.cookie,
          'content-type': 'application/json',
          [CSRF_HEADER]: '1',
          'sec-fetch-site': 'cross-site',
          origin: EVIL_ORIGIN,
        },
        body: JSON.stringify(
          procedure === 'activity.record' ? { kind: 'note.created', detail: { noteId } } : fields(),
        ),
      });
      expectRefused(answer, procedure, { status: 403 });
      await expectNothingChanged(before);
    },
  );
});

describe('CORS: another site can neither preflight nor read', () => {
  it.each(['auth', 'notes', 'activity'] as const)(
    '%s allows no CORS request from another origin',
    async (service) => {
      const preflight = await send(`${stack[service].url}/trpc/auth.logout`, {
        method: 'OPTIONS',
        headers: {
          origin: EVIL_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': `content-type,${CSRF_HEADER}`,
        },
      });
      expect(preflight.headers['access-control-allow-origin'], show('preflight', preflight)).toBeUndefined();
      const read: Answer = await send(
        `${stack[service].url}/trpc/${service === 'auth' ? 'auth.me' : `${service}.list`}`,
        {
          headers: { cookie: victim.cookie, origin: EVIL_ORIGIN },
        },
      );
      // Without a matching Allow-Origin the browser hides the answer (an Allow-Credentials alone exposes nothing).
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    },
  );
});

describe('controls: the same cookies with the CSRF header (the web client) are accepted', () => {
  const fromWebClient = (service: 'auth' | 'notes', procedure: string, input?: unknown) =>
    send(`${stack[service].url}/trpc/${procedure}`, {
      method: 'POST',
      headers: {
        cookie: victim.cookie,
        'content-type': 'application/json',
        [CSRF_HEADER]: '1',
        'sec-fetch-site': 'same-site',
      },
      ...(input === undefined ? {} : { body: JSON.stringify(input) }),
    });

  it('notes.create with the header creates the note', async () => {
    const answer = await fromWebClient('notes', 'notes.create', { body: 'from the web client' });
    expect(answer.status, show('notes.create', answer)).toBe(200);
    expect(await notesOf(stack, victim.accessToken)).toHaveLength(2);
  });

  it('auth.logout with the header logs the browser out', async () => {
    const answer = await fromWebClient('auth', 'auth.logout');
    expect(answer.status, show('auth.logout', answer)).toBe(200);
    const after = await send(`${stack.auth.url}/trpc/auth.me`, { headers: { cookie: victim.cookie } });
    expect(after.body.error.data.reason).toBe('TOKEN_REVOKED');
  });
});
