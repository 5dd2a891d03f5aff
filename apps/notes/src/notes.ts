import { and, desc, eq } from '@revoke/db';
import { type Note, type NotesDb, notes } from '@revoke/db/notes';

/** `notes.list` returns at most this many notes, the newest first. */
export const LIST_LIMIT = 100;

/** A note as the API returns it (plain JSON: no transformer, so dates are ISO strings). */
export interface NoteView {
  id: string;
  body: string;
  createdAt: string;
}

/** The transaction handle drizzle passes to `db.transaction`'s callback. */
export type NotesTx = Parameters<Parameters<NotesDb['transaction']>[0]>[0];

function view(row: Note): NoteView {
  return { id: row.id, body: row.body, createdAt: row.createdAt.toISOString() };
}

/** The user's newest notes; `id` breaks ties between notes created in the same instant. */
export async function listNotes(db: NotesDb, userId: string): Promise<NoteView[]> {
  const rows = await db
    .select()
    .from(notes)
    .where(eq(notes.userId, userId))
    .orderBy(desc(notes.createdAt), desc(notes.id))
    .limit(LIST_LIMIT);
  return rows.map(view);
}

/** Inserts a note for the user (inside the caller's transaction). */
export async function insertNote(tx: NotesTx, userId: string, body: string): Promise<NoteView> {
  const [row] = await tx.insert(notes).values({ userId, body }).returning();
  return view(row!);
}

/**
 * Deletes the user's note; false when there is none with this id *for this user*, so someone else's
 * note and a missing one are indistinguishable.
 */
export async function deleteNote(tx: NotesTx, userId: string, id: string): Promise<boolean> {
  const deleted = await tx
    .delete(notes)
    .where(and(eq(notes.id, id), eq(notes.userId, userId)))
    .returning({ id: notes.id });
  return deleted.length > 0;
}
