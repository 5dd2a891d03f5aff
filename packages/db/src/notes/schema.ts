import { index, pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/** The Postgres schema `notes`: the notes service's tables only. */
export const notesSchema = pgSchema('notes');

/**
 * A user's notes. `user_id` is the token's `sub`, opaque here: no foreign key, because the notes
 * service never reads the auth schema.
 */
export const notes = notesSchema.table(
  'notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id').notNull(),
    body: text('body').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('notes_user_id_created_at_idx').on(t.userId, t.createdAt)],
);
