import type { ServiceDatabase } from '../database.ts';
import type { events } from './schema.ts';

export * from './schema.ts';

/** The activity service's database: `createDb({ service: 'activity' }).db`. */
export type ActivityDb = ServiceDatabase<'activity'>;

/** A row of `activity.events`. */
export type ActivityEvent = typeof events.$inferSelect;
/** An insert into `activity.events`. */
export type NewActivityEvent = typeof events.$inferInsert;
