import type { ServiceDatabase } from '../database.ts';
import type { notes } from './schema.ts';

export * from './schema.ts';

/** The notes service's database: `createDb({ service: 'notes' }).db`. */
export type NotesDb = ServiceDatabase<'notes'>;

/** A row of `notes.notes`. */
export type Note = typeof notes.$inferSelect;
/** An insert into `notes.notes`. */
export type NewNote = typeof notes.$inferInsert;
