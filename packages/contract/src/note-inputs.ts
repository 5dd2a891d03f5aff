import { z } from 'zod';
import { MAX_NOTE_BODY_LENGTH } from './limits.ts';

/**
 * Input of `notes.create`. A body must say something (not only whitespace) and must not contain
 * NUL, which Postgres `text` cannot store: refused here as a 400 rather than failing as a 500.
 */
export const createNoteInput = z
  .object({
    body: z
      .string()
      .min(1)
      .max(MAX_NOTE_BODY_LENGTH)
      .refine((body) => body.trim() !== '', 'A note cannot be blank')
      .refine((body) => !body.includes('\u0000'), 'A note cannot contain NUL characters'),
  })
  .strict();

/** Input of `notes.delete`. */
export const deleteNoteInput = z.object({ id: z.uuid() }).strict();
