import { TRPCError } from '@trpc/server';
import { createInput, deleteInput } from './inputs.ts';
import { deleteNote, insertNote, listNotes } from './notes.ts';
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

    create: protectedProcedure.input(createInput).mutation(({ ctx, input }) =>
      ctx.deps.db.transaction(async (tx) => {
        const note = await insertNote(tx, ctx.user.sub, input.body);
        await ctx.deps.activity.record(ctx.token, { kind: 'note.created', detail: { noteId: note.id } });
        return note;
      }),
    ),

    delete: protectedProcedure.input(deleteInput).mutation(({ ctx, input }) =>
      ctx.deps.db.transaction(async (tx) => {
        if (!(await deleteNote(tx, ctx.user.sub, input.id))) {
          // Same answer for someone else's note and a missing one: ids of others never leak.
          throw new TRPCError({ code: 'NOT_FOUND', message: 'Note not found' });
        }
        await ctx.deps.activity.record(ctx.token, { kind: 'note.deleted', detail: { noteId: input.id } });
        return { ok: true as const, id: input.id };
      }),
    ),
  }),
});

/** The type a typed client imports: `import type { NotesRouter } from '@revoke/notes/router'`. */
export type NotesRouter = typeof appRouter;
