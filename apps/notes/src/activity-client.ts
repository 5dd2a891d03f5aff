import type { ActivityRouter } from '@revoke/activity/router';
import { createTRPCClient, httpLink } from '@trpc/client';
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
}

/**
 * A typed tRPC client of activity that forwards the caller's own access token: there is no service
 * identity, so activity authenticates and checks revocation exactly as for the user calling it
 * directly, and a revoked token fails at both hops. One client serves every request; the token
 * travels in the operation's context, never in shared state.
 */
export function createActivityClient(options: ActivityClientOptions): ActivityRecorder {
  const client = createTRPCClient<ActivityRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        headers: ({ op }) => {
          const token = op.context.token;
          return typeof token === 'string' ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
  return {
    async record(token, event) {
      try {
        await client.activity.record.mutate(event, {
          context: { token },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw fromActivityError(error);
      }
    },
  };
}
