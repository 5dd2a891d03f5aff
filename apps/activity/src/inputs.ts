import { z } from 'zod';

/** What can happen to a user's data that the feed shows. Add a kind here before a service records it. */
export const ACTIVITY_KINDS = ['note.created', 'note.deleted'] as const;

/**
 * Input of `activity.record`. Strict at every level: an event is written exactly as validated, so
 * nothing a caller slips in (extra keys, a huge blob) reaches the `jsonb` column.
 */
export const recordInput = z
  .object({
    kind: z.enum(ACTIVITY_KINDS),
    detail: z.object({ noteId: z.uuid() }).strict(),
  })
  .strict();

/** A validated `activity.record` input. */
export type RecordInput = z.infer<typeof recordInput>;
