import { bigserial, index, jsonb, pgSchema, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/** The Postgres schema `activity`: the activity service's tables only. */
export const activitySchema = pgSchema('activity');

/**
 * A user's activity feed, newest last by `id`. `user_id` is the token's `sub`, opaque here (no
 * foreign key across services); `detail` is whatever the recording service sent, e.g. a note id.
 */
export const events = activitySchema.table(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id').notNull(),
    kind: text('kind').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('events_user_id_id_idx').on(t.userId, t.id)],
);
