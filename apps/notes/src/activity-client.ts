import type { ActivityRouter } from '@revoke/activity/router';
import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
import type { ServiceTokenSource } from '@revoke/service';
import { createTRPCClient, httpLink, isTRPCClientError } from '@trpc/client';
import type { inferRouterInputs } from '@trpc/server';
import { fromActivityError } from './activity-errors.ts';

/** The event notes sends for each change, typed by activity's router. */
export type ActivityEventInput = inferRouterInputs<ActivityRouter>['activity']['record'];

/** How notes tells activity about a change, on behalf of the user whose token it forwards. */
export interface ActivityRecorder {
  /** Records `event` in the token's user's feed; throws a `TRPCError` ready to answer the caller with. */
  record(token: string, event: ActivityEventInput): Promise<void>;
}

/** Options of {@link createActivityClient}. */
export interface ActivityClientOptions {
  /** Activity's base URL (`ACTIVITY_URL`); tRPC is at `/trpc` under it. */
  url: string;
  /** Per-call budget; past it the call is aborted and counts as unavailable. */
  timeoutMs: number;
  /** Notes' own credential: service tokens minted for activity by the auth app. */
  credential: ServiceTokenSource;
}

/**
 * A typed tRPC client of activity. Each call carries two credentials: the caller's own access token,
 * forwarded (activity authenticates and checks revocation exactly as for the user calling it, so a
 * revoked token fails at both hops, and the event is the user's), and notes' service token in
 * `x-service-authorization` (activity's internal procedures refuse anyone else, the user included).
 * One client serves every request; the user's token travels in the operation's context, never in
 * shared state.
 */
export function createActivityClient(options: ActivityClientOptions): ActivityRecorder {
  const { credential } = options;
  const client = createTRPCClient<ActivityRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        headers: async ({ op }) => {
          const token = op.context.token;
          return {
            ...(typeof token === 'string' ? { authorization: `Bearer ${token}` } : {}),
            [SERVICE_TOKEN_HEADER]: `Bearer ${await credential.token()}`,
          };
        },
      }),
    ],
  });
  const call = (token: string, event: ActivityEventInput) =>
    client.activity.record.mutate(event, {
      context: { token },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  return {
    async record(token, event) {
      try {
        try {
          await call(token, event);
        } catch (error) {
          // Activity refused notes' own credential (expired early, revoked, a withdrawn key): get a
          // fresh one and try once more; a second refusal is a misconfiguration, answered as such.
          if (!isServiceCredentialRefusal(error)) throw error;
          credential.invalidate();
          await call(token, event);
        }
      } catch (error) {
        throw fromActivityError(error);
      }
    },
  };
}

/** Activity answered FORBIDDEN: the internal procedure refused the calling service's credential. */
function isServiceCredentialRefusal(error: unknown): boolean {
  return isTRPCClientError(error) && (error.data as { code?: unknown } | undefined)?.code === 'FORBIDDEN';
}
