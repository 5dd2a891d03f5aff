import { createFreshDatabase, type FreshDatabase } from '@revoke/db/testing';
import { type StackServices, stackEnvOnFreePorts, startStackServices } from '@revoke/testkit/service-stack';
import { bearer, trpcMutate } from '@revoke/testkit/trpc-http';
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NoteView } from './notes.ts';
import type { NotesRouter } from './router.ts';

// The auth app, notes and activity as real processes (as `pnpm start` runs them), one database, Redis.
let database: FreshDatabase;
let stack: StackServices;
beforeAll(async () => {
  database = await createFreshDatabase({ prefix: 'notes_live' });
  const env = {
    ...(await stackEnvOnFreePorts({ databaseUrl: database.url, label: 'notes-live' })),
    LOG_LEVEL: 'warn',
    // Notes' per-user budget of open subscriptions, small enough to reach.
    LIVE_MAX_PER_USER: '2',
  };
  stack = await startStackServices(env);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

/** A typed notes client as a Node program would hold one: bearer token, subscriptions over SSE. */
function notesClient(token: string): TRPCClient<NotesRouter> {
  const url = `${stack.notes.url}/trpc`;
  return createTRPCClient<NotesRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Node 20 has no EventSource: the `eventsource` package, whose fetch carries the header.
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init?.headers, ...bearer(token) } }),
          },
        }),
        false: httpLink({ url, headers: bearer(token) }),
      }),
    ],
  });
}

/** Registers a user and logs in `devices` times through the auth app; the access tokens. */
async function userWithDevices(devices: number): Promise<string[]> {
  const credentials = {
    email: `live-${Math.random().toString(36).slice(2)}@example.com`,
    password: 'correct horse battery',
  };
  const registered = await trpcMutate(stack.auth.url, 'auth.register', credentials);
  expect(registered.status, registered.text).toBe(200);
  const tokens: string[] = [];
  for (let i = 0; i < devices; i++) {
    const login = await trpcMutate(stack.auth.url, 'auth.login', credentials);
    expect(login.status, login.text).toBe(200);
    tokens.push(login.body.result.data.accessToken);
  }
  return tokens;
}

/** An open `notes.live` subscription: every list it delivered, and how it ended. */
function watchNotes(client: TRPCClient<NotesRouter>) {
  const lists: NoteView[][] = [];
  const state: { error?: unknown; completed: boolean } = { completed: false };
  const subscription = client.notes.live.subscribe(undefined, {
    onData: (list) => lists.push(list),
    onError: (error) => {
      state.error = error;
    },
    onComplete: () => {
      state.completed = true;
    },
  });
  return { lists, state, unsubscribe: () => subscription.unsubscribe() };
}

/** The reason code (`TOKEN_REVOKED`, …) and tRPC code a subscription ended with. */
function endedWith(error: unknown) {
  expect(error).toBeInstanceOf(TRPCClientError);
  const data = (error as TRPCClientError<NotesRouter>).data as { code?: string; reason?: string } | undefined;
  return { code: data?.code, reason: data?.reason };
}

const WAIT = { timeout: 15_000, interval: 50 };

describe('notes.live across processes', () => {
  it('delivers the list, then each change; ends with TOKEN_REVOKED when the session logs out at the auth app', async () => {
    const [token] = (await userWithDevices(1)) as [string];
    const client = notesClient(token);
    await client.notes.create.mutate({ body: 'before' });
    const live = watchNotes(client);
    await vi.waitFor(
      () => expect(live.lists.map((list) => list.map((note) => note.body))).toEqual([['before']]),
      WAIT,
    );

    await client.notes.create.mutate({ body: 'after' });
    await vi.waitFor(
      () => expect(live.lists.at(-1)?.map((note) => note.body)).toEqual(['after', 'before']),
      WAIT,
    );

    expect((await trpcMutate(stack.auth.url, 'auth.logout', undefined, bearer(token))).status).toBe(200);
    await vi.waitFor(() => expect(live.state.error).toBeDefined(), WAIT);
    expect(endedWith(live.state.error)).toEqual({ code: 'UNAUTHORIZED', reason: 'TOKEN_REVOKED' });
    expect(live.state.completed).toBe(false);
    live.unsubscribe();
  });

  it('ends every device’s subscription with TOKEN_REVOKED on "log out everywhere" from another device', async () => {
    const [laptop, phone] = (await userWithDevices(2)) as [string, string];
    const live = watchNotes(notesClient(phone));
    await vi.waitFor(() => expect(live.lists).toEqual([[]]), WAIT);
    // A change from the other device reaches this one's open subscription.
    await notesClient(laptop).notes.create.mutate({ body: 'from the laptop' });
    await vi.waitFor(
      () => expect(live.lists.at(-1)?.map((note) => note.body)).toEqual(['from the laptop']),
      WAIT,
    );

    expect((await trpcMutate(stack.auth.url, 'auth.logoutAll', undefined, bearer(laptop))).status).toBe(200);
    await vi.waitFor(() => expect(live.state.error).toBeDefined(), WAIT);
    expect(endedWith(live.state.error)).toEqual({ code: 'UNAUTHORIZED', reason: 'TOKEN_REVOKED' });
    live.unsubscribe();
  });

  it('refuses to open a subscription with an already revoked token', async () => {
    const [token] = (await userWithDevices(1)) as [string];
    expect((await trpcMutate(stack.auth.url, 'auth.logout', undefined, bearer(token))).status).toBe(200);
    // Every service refuses it once the revocation arrived (within S); then so does the subscription.
    await vi.waitFor(async () => {
      const answer = await fetch(`${stack.notes.url}/trpc/notes.list`, { headers: bearer(token) });
      expect(answer.status).toBe(401);
    }, WAIT);
    const live = watchNotes(notesClient(token));
    await vi.waitFor(() => expect(live.state.error).toBeDefined(), WAIT);
    expect(endedWith(live.state.error)).toEqual({ code: 'UNAUTHORIZED', reason: 'TOKEN_REVOKED' });
    expect(live.lists).toEqual([]);
    live.unsubscribe();
  });

  it('refuses a subscription past the per-user budget with TOO_MANY_REQUESTS, and takes one again once one closed', async () => {
    const [token] = (await userWithDevices(1)) as [string];
    const client = notesClient(token);
    const open = [watchNotes(client), watchNotes(client)];
    for (const live of open) await vi.waitFor(() => expect(live.lists).toEqual([[]]), WAIT);
    const third = watchNotes(client);
    await vi.waitFor(() => expect(third.state.error).toBeDefined(), WAIT);
    expect(endedWith(third.state.error).code).toBe('TOO_MANY_REQUESTS');
    expect((third.state.error as Error).message).toMatch(/at most 2/);
    third.unsubscribe();

    open[0]!.unsubscribe();
    // The server notices the closed stream, and gives its slot back.
    await vi.waitFor(async () => {
      const again = watchNotes(client);
      try {
        await vi.waitFor(() => expect(again.lists.length + (again.state.error ? 1 : 0)).toBe(1), WAIT);
        expect(again.lists).toEqual([[]]);
      } finally {
        again.unsubscribe();
      }
    }, WAIT);
    open[1]!.unsubscribe();
  });
});
