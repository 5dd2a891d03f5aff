import { LiveLimitError, type LiveWatch, untilRevoked } from '@revoke/auth/live';
import { toTRPCError } from '@revoke/auth/trpc';
import { TRPCError } from '@trpc/server';
import { createInput, deleteInput } from './inputs.ts';
import { deleteNote, insertNote, listNotes, type NoteView } from './notes.ts';
import { protectedProcedure, router } from './trpc.ts';

/**
 * The notes service's API (docs/architecture.md, "The contract"). Every change is written and recorded in activity inside one
 * transaction: if activity refuses or cannot be reached, the change rolls back and the caller gets
 * activity's refusal (see README, "Failure semantics").
 */
export const appRouter = router({
  notes: router({
    /** The caller's notes, newest first, at most `LIST_LIMIT`. */
    list: protectedProcedure.query(({ ctx }) => listNotes(ctx.deps.db, ctx.user.sub)),

    /**
     * The caller's notes as they change (SSE): the list at once, then the list again after every change
     * made through this notes process's `create` and `delete`. Ends with UNAUTHORIZED, reason
     * `TOKEN_REVOKED`, within S of the session's (or token's, or user's) revocation anywhere; reason
     * `TOKEN_EXPIRED` when the token it authenticated with expires (refresh, then subscribe again);
     * SERVICE_UNAVAILABLE (`REVOCATION_UNAVAILABLE`) when revocation state cannot be vouched for or the
     * server shuts down. TOO_MANY_REQUESTS past `LIVE_MAX_PER_USER` / `LIVE_MAX_CONNECTIONS`.
     */
    live: protectedProcedure.subscription(async function* ({
      ctx,
      signal,
    }): AsyncGenerator<NoteView[], void> {
      const { db, live, changes } = ctx.deps;
      let watch: LiveWatch;
      try {
        watch = live.watch(ctx.user, { signal });
      } catch (error) {
        if (error instanceof LiveLimitError)
          throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message });
        throw error;
      }
      try {
        // Listening before the first read: a change committed meanwhile is heard, not lost.
        const changed = changes.subscribe(ctx.user.sub, watch.signal);
        if (watch.error) throw toTRPCError(watch.error);
        yield await listNotes(db, ctx.user.sub);
        for await (const _ of untilRevoked(watch, changed, { toError: toTRPCError })) {
          yield await listNotes(db, ctx.user.sub);
        }
      } finally {
        watch.stop();
      }
    }),

    create: protectedProcedure.input(createInput).mutation(async ({ ctx, input }) => {
      const note = await ctx.deps.db.transaction(async (tx) => {
        const note = await insertNote(tx, ctx.user.sub, input.body);
        await ctx.deps.activity.record(ctx.token, { kind: 'note.created', detail: { noteId: note.id } });
        return note;
      });
      ctx.deps.changes.notify(ctx.user.sub);
      return note;
    }),

    delete: protectedProcedure.input(deleteInput).mutation(async ({ ctx, input }) => {
      const result = await ctx.deps.db.transaction(async (tx) => {
        if (!(await deleteNote(tx, ctx.user.sub, input.id))) {
          // Same answer for someone else's note and a missing one: ids of others never leak.
          throw new TRPCError({ code: 'NOT_FOUND', message: 'Note not found' });
        }
        await ctx.deps.activity.record(ctx.token, { kind: 'note.deleted', detail: { noteId: input.id } });
        return { ok: true as const, id: input.id };
      });
      ctx.deps.changes.notify(ctx.user.sub);
      return result;
    }),
  }),
});

/** The type a typed client imports: `import type { NotesRouter } from '@revoke/notes/router'`. */
export type NotesRouter = typeof appRouter;
