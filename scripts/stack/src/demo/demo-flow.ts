import { randomBytes } from 'node:crypto';
import type { Report } from './report.ts';
import { callTrpc, type TrpcCall, type TrpcReply } from './trpc-http.ts';

/** Where the demo finds each app. */
export interface DemoUrls {
  auth: string;
  notes: string;
  activity: string;
}

const REVOKED_MESSAGE = 'Token revoked (logged out)';
/** docs/architecture.md, "Invariants": a revocation reaches every service within S (3 s) even in the worst case. */
const REJECTION_DEADLINE_MS = 5000;
const POLL_EVERY_MS = 2;

/**
 * The tutorial's Postman test, automated: log in, copy the token, log out, paste the token again →
 * refused, at every service. Then the same for "log out everywhere" across two devices, and for a
 * password change on one device, which signs out the other one.
 */
export async function runDemo(urls: DemoUrls, report: Report): Promise<void> {
  const email = `demo-${randomBytes(4).toString('hex')}@example.com`;
  const password = randomBytes(12).toString('base64url');
  await logoutScenario(urls, report, { email, password });
  await logoutEverywhereScenario(urls, report, { email, password });
  await changePasswordScenario(urls, report, { email, password });
}

interface Credentials {
  email: string;
  password: string;
}

async function logoutScenario(urls: DemoUrls, report: Report, user: Credentials): Promise<void> {
  report.section('1. Log out: the copied token stops working at every service');
  const registered = await callTrpc(urls.auth, { path: 'auth.register', kind: 'mutation', input: user });
  if (
    !expectOk(
      report,
      registered,
      `auth.register ${user.email}`,
      (data) => `user ${field(data, 'user', 'id')}`,
    )
  ) {
    return;
  }
  const token = await login(urls, report, user, 'demo-cli');
  if (!token) return;
  report.note('every call below sends the copied token bare, as the tutorial does: Authorization: <token>');

  const created = await callTrpc(urls.notes, {
    path: 'notes.create',
    kind: 'mutation',
    input: { body: 'Buy milk (written by pnpm demo)' },
    token,
  });
  expectOk(
    report,
    created,
    'notes.create { body } (notes records it in activity: notes → activity)',
    (data) => `note ${field(data, 'id')}`,
  );
  await expectAccepted(urls, report, token, '');

  const logout = await callTrpc(urls.auth, { path: 'auth.logout', kind: 'mutation', token });
  const loggedOutAt = performance.now();
  if (!expectOk(report, logout, 'auth.logout', (data) => JSON.stringify(data))) return;

  report.note(`the same token again, every ${POLL_EVERY_MS} ms until refused:`);
  await expectRejectedEverywhere(urls, report, token, { since: loggedOutAt, event: 'logout', who: '' });
  const createAgain = await callTrpc(urls.notes, {
    path: 'notes.create',
    kind: 'mutation',
    input: { body: 'written with a revoked token' },
    token,
  });
  expectRevoked(report, createAgain, 'notes.create with the same token');
  const me = await callTrpc(urls.auth, { path: 'auth.me', kind: 'query', token });
  expectRevoked(report, me, 'auth.me at the auth app with the same token');
}

async function logoutEverywhereScenario(urls: DemoUrls, report: Report, user: Credentials): Promise<void> {
  report.section('2. Log out everywhere: device A ends the session of device B too');
  const laptop = await login(urls, report, user, 'demo laptop (device A)');
  const phone = await login(urls, report, user, 'demo phone (device B)');
  if (!laptop || !phone) return;
  await expectAccepted(urls, report, phone, 'device B: ');
  const sessions = await callTrpc(urls.auth, { path: 'auth.sessions', kind: 'query', token: laptop });
  expectOk(report, sessions, 'device A: auth.sessions', (data) =>
    Array.isArray(data) ? `${data.length} live sessions (A and B)` : JSON.stringify(data),
  );

  const logoutAll = await callTrpc(urls.auth, { path: 'auth.logoutAll', kind: 'mutation', token: laptop });
  const loggedOutAt = performance.now();
  if (!expectOk(report, logoutAll, 'device A: auth.logoutAll', (data) => JSON.stringify(data))) return;

  report.note(`device B's token, every ${POLL_EVERY_MS} ms until refused:`);
  await expectRejectedEverywhere(urls, report, phone, {
    since: loggedOutAt,
    event: 'logoutAll',
    who: 'device B: ',
  });
  const laptopAgain = await callTrpc(urls.notes, { path: 'notes.list', kind: 'query', token: laptop });
  expectRevoked(report, laptopAgain, "device A's own token at notes");
}

async function changePasswordScenario(urls: DemoUrls, report: Report, user: Credentials): Promise<void> {
  report.section('3. Change password: device A changes it, device B is signed out, A stays signed in');
  const laptop = await login(urls, report, user, 'demo laptop (device A)');
  const phone = await login(urls, report, user, 'demo phone (device B)');
  if (!laptop || !phone) return;
  await expectAccepted(urls, report, phone, 'device B: ');

  const newPassword = randomBytes(12).toString('base64url');
  const changed = await callTrpc(urls.auth, {
    path: 'auth.changePassword',
    kind: 'mutation',
    input: { currentPassword: user.password, newPassword },
    token: laptop,
  });
  const changedAt = performance.now();
  if (
    !expectOk(
      report,
      changed,
      'device A: auth.changePassword { currentPassword, newPassword }',
      (data) => `${field(data, 'endedSessions')} other session(s) ended, new tokens for device A`,
    )
  ) {
    return;
  }

  report.note(`device B's token, every ${POLL_EVERY_MS} ms until refused:`);
  await expectRejectedEverywhere(urls, report, phone, {
    since: changedAt,
    event: 'changePassword',
    who: 'device B: ',
  });
  const fresh = field(changed.data, 'accessToken');
  const laptopAgain = await callTrpc(urls.notes, { path: 'notes.list', kind: 'query', token: fresh });
  expectOk(report, laptopAgain, "device A's new token at notes.list", (data) => count(data, 'note'));
  const oldLogin = await callTrpc(urls.auth, { path: 'auth.login', kind: 'mutation', input: user });
  report.check(
    oldLogin.status === 401,
    `auth.login with the old password → ${oldLogin.status}`,
    oldLogin.status === 401 ? undefined : `expected 401, got ${describeError(oldLogin)}`,
  );
  await login(urls, report, { email: user.email, password: newPassword }, 'device C, with the new password');
}

async function login(
  urls: DemoUrls,
  report: Report,
  user: Credentials,
  device: string,
): Promise<string | undefined> {
  const reply = await callTrpc(urls.auth, {
    path: 'auth.login',
    kind: 'mutation',
    input: user,
    headers: { 'user-agent': device },
  });
  const token = field(reply.data, 'accessToken');
  const ok = expectOk(report, reply, `auth.login as ${device}`, (data) => {
    const expires = new Date(String(field(data, 'expiresAt'))).toTimeString().slice(0, 8);
    return `access token ${token.slice(0, 16)}… (${token.length} chars), expires at ${expires}`;
  });
  return ok && token ? token : undefined;
}

/** Before logout: the token works at notes and activity. */
async function expectAccepted(urls: DemoUrls, report: Report, token: string, who: string): Promise<void> {
  const [notes, activity] = await Promise.all([
    callTrpc(urls.notes, { path: 'notes.list', kind: 'query', token }),
    callTrpc(urls.activity, { path: 'activity.list', kind: 'query', token }),
  ]);
  expectOk(report, notes, `${who}notes.list`, (data) => count(data, 'note'));
  expectOk(report, activity, `${who}activity.list`, (data) => count(data, 'event'));
}

/** After logout: notes and activity both refuse the token; prints how long each took to. */
async function expectRejectedEverywhere(
  urls: DemoUrls,
  report: Report,
  token: string,
  { since, event, who }: { since: number; event: string; who: string },
): Promise<void> {
  const [notes, activity] = await Promise.all([
    pollUntilRejected(urls.notes, { path: 'notes.list', kind: 'query', token }, since),
    pollUntilRejected(urls.activity, { path: 'activity.list', kind: 'query', token }, since),
  ]);
  for (const [name, result] of [
    ['notes.list', notes],
    ['activity.list', activity],
  ] as const) {
    const which = result.tries === 1 ? 'first try' : `try ${result.tries}`;
    const timing = `${result.ms.toFixed(1)} ms after the ${event} response, ${which}`;
    expectRevoked(report, result.reply, `${who}${name}`, timing);
  }
  if (notes.tries === 1 && activity.tries === 1) {
    report.note(
      `refused on the very first request: ${event} answers only once the revocation is committed and published, and each service's local cache already had it`,
    );
  }
}

interface Rejection {
  reply: TrpcReply;
  /** From `since` to the rejecting response. */
  ms: number;
  tries: number;
}

async function pollUntilRejected(baseUrl: string, call: TrpcCall, since: number): Promise<Rejection> {
  let tries = 0;
  for (;;) {
    tries += 1;
    const reply = await callTrpc(baseUrl, call);
    const ms = performance.now() - since;
    if (reply.status === 401 || ms > REJECTION_DEADLINE_MS) return { reply, ms, tries };
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}

function expectOk(
  report: Report,
  reply: TrpcReply,
  what: string,
  describe: (data: unknown) => string,
): boolean {
  if (reply.status === 200 && reply.error === undefined) {
    return report.check(true, `${what} → 200 ${describe(reply.data)}`);
  }
  return report.check(false, `${what} → ${reply.status}`, describeError(reply));
}

function expectRevoked(report: Report, reply: TrpcReply, what: string, timing?: string): boolean {
  const revoked =
    reply.status === 401 &&
    reply.error?.reason === 'TOKEN_REVOKED' &&
    reply.error.message === REVOKED_MESSAGE;
  const suffix = timing ? `  (${timing})` : '';
  if (revoked) return report.check(true, `${what} → 401 TOKEN_REVOKED "${REVOKED_MESSAGE}"${suffix}`);
  return report.check(
    false,
    `${what} → ${reply.status}${suffix}`,
    `expected 401 TOKEN_REVOKED "${REVOKED_MESSAGE}", got ${describeError(reply)}`,
  );
}

function describeError(reply: TrpcReply): string {
  if (!reply.error) return `a success: ${JSON.stringify(reply.data)?.slice(0, 200)}`;
  const { message, code, reason } = reply.error;
  return [code, reason, JSON.stringify(message)].filter(Boolean).join(' ');
}

function count(data: unknown, noun: string): string {
  if (!Array.isArray(data)) return JSON.stringify(data)?.slice(0, 80) ?? '';
  return `${data.length} ${noun}${data.length === 1 ? '' : 's'}`;
}

/** `data[a][b]…` as a string, or '' when any step is missing. */
function field(data: unknown, ...path: string[]): string {
  let value: unknown = data;
  for (const key of path) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value === undefined || value === null ? '' : String(value);
}
