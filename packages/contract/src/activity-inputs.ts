import { z } from 'zod';
import { ACTIVITY_KINDS } from './activity-kinds.ts';

/**
 * Input of `activity.record`. Strict at every level: an event is written exactly as validated, so
 * nothing a caller slips in (extra keys, a huge blob) reaches the `jsonb` column.
 */
export const recordActivityInput = z
  .object({
    kind: z.enum(ACTIVITY_KINDS),
    detail: z.object({ noteId: z.uuid() }).strict(),
  })
  .strict();

/** A validated `activity.record` input. */
export type RecordActivityInput = z.infer<typeof recordActivityInput>;
