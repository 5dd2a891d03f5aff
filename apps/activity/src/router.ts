import { listEvents, recordEvent } from './events.ts';
import { recordInput } from './inputs.ts';
import { protectedProcedure, router } from './trpc.ts';

/** The activity service's API (DESIGN §5). Clients import only its type. */
export const appRouter = router({
  activity: router({
    /** The caller's events, newest first, at most `LIST_LIMIT`. */
    list: protectedProcedure.query(({ ctx }) => listEvents(ctx.deps.db, ctx.user.sub)),
    /**
     * Records an event in the caller's own feed. Called by notes with the user's forwarded token, so
     * the event belongs to whoever the token says, never to a user id sent in the input.
     */
    record: protectedProcedure
      .input(recordInput)
      .mutation(({ ctx, input }) => recordEvent(ctx.deps.db, ctx.user.sub, input)),
  }),
});

/** The type a typed client imports: `import type { ActivityRouter } from '@revoke/activity/router'`. */
export type ActivityRouter = typeof appRouter;
