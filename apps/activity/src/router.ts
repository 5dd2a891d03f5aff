import { listEvents, recordEvent } from './events.ts';
import { recordInput } from './inputs.ts';
import { internalProcedure, protectedProcedure, router } from './trpc.ts';

/** The activity service's API (docs/architecture.md, "The contract"). Clients import only its type. */
export const appRouter = router({
  activity: router({
    /** The caller's events, newest first, at most `LIST_LIMIT`. */
    list: protectedProcedure.query(({ ctx }) => listEvents(ctx.deps.db, ctx.user.sub)),
    /**
     * Records an event in a user's feed. Internal: only a service listed in `INTERNAL_CALLERS` (notes)
     * may call it, with its own service token beside the user's forwarded one; the event belongs to
     * whoever the user token says, never to a user id sent in the input. A user's own token is refused.
     */
    record: internalProcedure
      .input(recordInput)
      .mutation(({ ctx, input }) => recordEvent(ctx.deps.db, ctx.user.sub, input)),
  }),
});

/** The type a typed client imports: `import type { ActivityRouter } from '@revoke/activity/router'`. */
export type ActivityRouter = typeof appRouter;
